"""The vulnerability screen: rule sets as data (`rules`), fact providers (`providers`,
`builtin`, `external`) and the engine that scores and compares screenings (`engine`)."""
