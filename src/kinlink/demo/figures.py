"""The published figures the synthetic data is calibrated to, each with its source.

docs/demo-data.md explains every choice; change a share here and the generator follows. Shares
are of children unless said otherwise. They shape demonstration data only: Kinlink never uses
them to judge a real child.
"""

from __future__ import annotations

# Share of all children in the county with at least one parent away. ACWF 2013 (from the 2010
# census sample): rural left-behind children were 37.7% of all rural children; Sichuan held the
# most of any province (11.34% of the national total), so a sending county sits above the national
# rural share. 45% is our choice for a Sichuan-like rural county, not a published county figure.
LEFT_BEHIND_SHARE = 0.45

# Among left-behind children, who is away. ACWF 2013: 46.74% of rural left-behind children had
# both parents away. ACWF 2008 (2005 1% sample): where one parent had left, it was usually the
# father. The split of the remaining 53% (38 father only, 15 mother only) is our choice in that
# order; the MCA 2018 count (narrow definition) does not give it.
AWAY_SHARES = {"both": 0.47, "father": 0.38, "mother": 0.15}

# Day-to-day care when both parents are away (or one is away and the other has died). MCA 2018:
# 96% of (narrowly defined) rural left-behind children were cared for by grandparents, 4% by
# other relatives and friends. ACWF 2013: 3.37% of left-behind children lived alone; we make a
# few older children head their household (they care for themselves and their siblings).
BOTH_AWAY_CARE = {"grandparent": 0.93, "relative": 0.04, "child_headed": 0.03}
# With one parent away, the parent at home usually cares; sometimes the grandparents do.
ONE_AWAY_GRANDPARENT_CARE = 0.15

# Boys' share of children. 2020 census: about 113 boys per 100 girls under 18 (53%); ACWF 2013
# found 54.08% boys among rural left-behind children.
BOY_SHARE = 0.53

# Annual births in China in millions (NBS statistical communiqués), used as relative weights for
# the year of birth. Years after 2024 are assumed equal to 2024.
BIRTHS_BY_YEAR = {
    2008: 16.08,
    2009: 15.91,
    2010: 15.92,
    2011: 16.04,
    2012: 16.35,
    2013: 16.40,
    2014: 16.87,
    2015: 16.55,
    2016: 17.86,
    2017: 17.23,
    2018: 15.23,
    2019: 14.65,
    2020: 12.02,
    2021: 10.62,
    2022: 9.56,
    2023: 9.02,
    2024: 9.54,
}

# Children per household in a rural county (our choice: one child in about a third of
# households, two in about half, three in the rest), and how often two of them are twins.
CHILDREN_PER_HOUSEHOLD = {1: 0.35, 2: 0.48, 3: 0.17}
TWIN_HOUSEHOLD_SHARE = 0.012

# Migration of an away parent (our choices for a Sichuan sending county; provincial shares are
# illustrative, in the order reported by NBS migrant-worker monitoring: the east coast first).
ABROAD_SHARE = 0.03  # of away parents; MICS counts these separately (domain.md §8)
RECENT_DEPARTURE_SHARE = 0.07  # left less than six months ago: not yet "left behind" (broad)
CIRCULAR_REPEAT_SHARE = 0.2  # away parents who had gone before and come back once already
RETURNED_PARENT_SHARE = 0.1  # households where a parent at home has come back (closed episode)
DECEASED_PARENT_SHARE = 0.02  # households where one parent has died

# ACWF 2013: grandparents caring for left-behind children averaged 59.2 years; 8% of the
# grandfathers and 25% of the grandmothers had never been to school.
GRANDPARENT_NEVER_SCHOOLED = {"M": 0.08, "F": 0.25}

# Identity documents and phones (our choices).
CHILD_ID_SHARE = 0.75
ADULT_ID_SHARE = 0.55
PARENT_PHONE_SHARE = 0.95
GRANDPARENT_PHONE_SHARE = 0.45

# Layout: about 200 children per village, 6 villages per township (the demo county has 5
# townships and 30 villages), 20 townships per county when a benchmark needs more.
CHILDREN_PER_VILLAGE = 200
VILLAGES_PER_TOWNSHIP = 6
TOWNSHIPS_PER_COUNTY = 20
