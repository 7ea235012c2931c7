from minshi.cli import main

main()
