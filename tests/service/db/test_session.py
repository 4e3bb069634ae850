"""``rows_matched``: the count the compare-and-set writes (job states, survey bumps, token
revocation) decide on, and a clear error when it is handed a result that has no such count."""

import pytest
from sqlalchemy import create_engine, delete, insert, select, update
from sqlalchemy.orm import Session

from service.db.models import Department
from service.db.session import rows_matched


@pytest.fixture
def db():
    engine = create_engine("sqlite://")
    Department.metadata.create_all(engine)
    with Session(engine) as session:
        session.execute(insert(Department), [{"name": "総務課"}, {"name": "議会事務局"}])
        yield session
    engine.dispose()


def test_counts_the_rows_an_update_or_delete_matched(db):
    assert rows_matched(db.execute(update(Department).values(name=Department.name + "！"))) == 2
    assert rows_matched(db.execute(delete(Department).where(Department.name == "総務課！"))) == 1
    assert rows_matched(db.execute(delete(Department).where(Department.name == "総務課！"))) == 0


def test_a_query_result_is_refused(db):
    with pytest.raises(TypeError, match="UPDATE or DELETE"):
        rows_matched(db.execute(select(Department)))  # ORM rows: no count of matched rows
