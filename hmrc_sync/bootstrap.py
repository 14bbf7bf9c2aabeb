"""The composition root: the one place that turns ``Settings`` into working parts.

The CLI, the web app and the tests all call ``bootstrap``; nothing is built at import time.
Each part is built on first use and cached, so a command that only needs the database never
touches the token store or the network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hmrc_sync.db.engine import make_engine, session_factory
from hmrc_sync.settings import Settings


@dataclass
class Container:
    settings: Settings
    _engine: Engine | None = field(default=None, repr=False)

    @cached_property
    def engine(self) -> Engine:
        return self._engine if self._engine is not None else make_engine(self.settings.database_url)

    @cached_property
    def sessions(self) -> sessionmaker[Session]:
        return session_factory(self.engine)

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()


def bootstrap(settings: Settings, *, engine: Engine | None = None) -> Container:
    return Container(settings=settings, _engine=engine)
