-- Baseline: the cheapest round trip, to separate connection/protocol cost from the page query.
SELECT 1;
