"""Allow ``python -m ecodigital``."""

from ecodigital.cli import main

if __name__ == "__main__":
    main()
