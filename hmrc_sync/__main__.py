"""`python -m hmrc_sync` does exactly what the `hmrc-sync` console script does."""

from hmrc_sync.cli import main

if __name__ == "__main__":
    main()
