-- /hits, /next and /free rank every open HIT a worker may take. This index holds every
-- column their filter and their order read, so ranking reads the index alone and only the
-- page's rows are read from the table (bench/bench_listing.py: a page over 10,000 open
-- HITs in half the time). /free also reads pushes_paused. The worker's languages and
-- kinds are lists of equal values, the minimum reward a range: the index is searched by all.
CREATE INDEX hits_listing ON hits (
    status, language, kind, reward_cents, expires_at, requester_id, slots_used, max_assignments,
    batch_id, topic, published_at, est_time_s, time_allotted_s, measured_n, measured_s,
    pushes_paused
);
