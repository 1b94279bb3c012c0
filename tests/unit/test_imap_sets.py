"""IMAP sequence sets, written (FETCH of many UIDs) and read (VANISHED responses)."""

from hypothesis import given
from hypothesis import strategies as st

from agent_tui.sources.imap.fetch import uid_set, uids_in


def test_runs_are_folded_into_ranges_and_read_back():
    assert uid_set([7, 1, 2, 3, 9, 10]) == "1:3,7,9:10"
    assert uids_in(b"1:3,7,9:10") == [1, 2, 3, 7, 9, 10]


def test_a_range_may_be_written_high_to_low_and_junk_is_skipped():
    assert uids_in(b"5:3") == [3, 4, 5]  # RFC 3501: 5:3 is the same set as 3:5
    assert uids_in(b" 4,x:2,8") == [4, 8]


@given(st.sets(st.integers(min_value=1, max_value=10**6), max_size=60))
def test_any_set_of_uids_survives_the_round_trip(uids):
    assert uids_in(uid_set(list(uids)).encode()) == sorted(uids)
