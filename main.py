"""Entry point: `python main.py` equals the `command-center` console script."""

from command_center.app import main

if __name__ == "__main__":
    raise SystemExit(main())
