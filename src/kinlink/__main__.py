from kinlink.cli import main

main()
