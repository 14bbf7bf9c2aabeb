"""``python -m hmrc_sync.emulator``: the same as ``hmrc-sync emulator``."""

from hmrc_sync.commands.emulator import emulator_command

if __name__ == "__main__":
    emulator_command()
