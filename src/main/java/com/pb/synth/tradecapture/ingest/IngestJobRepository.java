package com.pb.synth.tradecapture.ingest;

import static com.pb.synth.tradecapture.store.Statement.bind;

import com.pb.synth.tradecapture.store.Statement;
import com.pb.synth.tradecapture.store.StoreStatements;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Jobs of HTTP ingest. A job's outcome is derived from what capture stored: the trade version in
 * {@code trade_versions}, or the exception recorded for the job's record (by topic, partition and
 * offset) in {@code trade_exceptions}.
 */
@ApplicationScoped
public class IngestJobRepository {

    private static final String COLUMNS = "job_id, idempotency_key, trade_id, version, partition_key, entered_by, "
            + "callback_url, source_topic, source_partition, source_offset, created_at, accepted_at";
    private static final String JOB_ID = "ingest_jobs.job_id";

    static final Statement RESERVE = Statement.of("reserve",
            "INSERT INTO ingest_jobs (job_id, idempotency_key, trade_id, version, partition_key, entered_by, callback_url, "
                    + "created_at, callback_status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) "
                    + "ON CONFLICT (idempotency_key) DO NOTHING",
            "INSERT INTO ingest_jobs (job_id, idempotency_key, trade_id, version, partition_key, entered_by, callback_url, "
                    + "created_at, callback_status) SELECT @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9 WHERE NOT EXISTS "
                    + "(SELECT 1 FROM ingest_jobs WHERE idempotency_key = @p2)",
            bind(JOB_ID, String.class), bind("ingest_jobs.idempotency_key", String.class),
            bind("ingest_jobs.trade_id", String.class), bind("ingest_jobs.version", Integer.class),
            bind("ingest_jobs.partition_key", String.class), bind("ingest_jobs.entered_by", String.class),
            bind("ingest_jobs.callback_url", String.class), bind("ingest_jobs.created_at", OffsetDateTime.class),
            bind("ingest_jobs.callback_status", String.class));
    static final Statement INSERT_ACCEPTED = Statement.portable("insert accepted",
            "INSERT INTO ingest_jobs (job_id, trade_id, version, partition_key, entered_by, callback_url, created_at, "
                    + "callback_status, source_topic, source_partition, source_offset, accepted_at, callback_due_at) "
                    + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)",
            bind(JOB_ID, String.class), bind("ingest_jobs.trade_id", String.class),
            bind("ingest_jobs.version", Integer.class), bind("ingest_jobs.partition_key", String.class),
            bind("ingest_jobs.entered_by", String.class), bind("ingest_jobs.callback_url", String.class),
            bind("ingest_jobs.created_at", OffsetDateTime.class), bind("ingest_jobs.callback_status", String.class),
            bind("ingest_jobs.source_topic", String.class), bind("ingest_jobs.source_partition", Integer.class),
            bind("ingest_jobs.source_offset", Long.class), bind("ingest_jobs.accepted_at", OffsetDateTime.class));
    static final Statement ACCEPT = Statement.portable("accept",
            "UPDATE ingest_jobs SET source_topic = $2, source_partition = $3, source_offset = $4, accepted_at = $5, "
                    + "callback_due_at = $5 WHERE job_id = $1",
            bind(JOB_ID, String.class), bind("ingest_jobs.source_topic", String.class),
            bind("ingest_jobs.source_partition", Integer.class), bind("ingest_jobs.source_offset", Long.class),
            bind("ingest_jobs.accepted_at", OffsetDateTime.class));
    static final Statement RELEASE = Statement.portable("release",
            "DELETE FROM ingest_jobs WHERE job_id = $1 AND source_offset IS NULL", bind(JOB_ID, String.class));
    static final Statement RELEASE_STALE = Statement.portable("release stale",
            "DELETE FROM ingest_jobs WHERE job_id = $1 AND source_offset IS NULL AND created_at < $2",
            bind(JOB_ID, String.class), bind("ingest_jobs.created_at", OffsetDateTime.class));
    static final Statement BY_ID = Statement.portable("by id",
            "SELECT " + COLUMNS + " FROM ingest_jobs WHERE job_id = $1", bind(JOB_ID, String.class));
    static final Statement BY_KEY = Statement.portable("by key",
            "SELECT " + COLUMNS + " FROM ingest_jobs WHERE idempotency_key = $1",
            bind("ingest_jobs.idempotency_key", String.class));
    static final Statement OUTCOME = Statement.of("outcome",
            "SELECT v.captured_at, (SELECT max(version) FROM trade_versions WHERE trade_id = $1) AS newest, "
                    + "e.reason_code, e.detail FROM (SELECT 1) AS one "
                    + "LEFT JOIN trade_versions v ON v.trade_id = $1 AND v.version = $2 "
                    + "LEFT JOIN LATERAL (SELECT reason_code, detail FROM trade_exceptions WHERE source_topic = $3 "
                    + "AND source_partition = $4 AND source_offset = $5 ORDER BY exception_id LIMIT 1) e ON true",
            "SELECT v.captured_at, (SELECT max(version) FROM trade_versions WHERE trade_id = @p1) AS newest, "
                    + "e.reason_code, e.detail FROM (SELECT 1 AS one) AS one "
                    + "LEFT JOIN trade_versions v ON v.trade_id = @p1 AND v.version = @p2 "
                    + "OUTER APPLY (SELECT TOP 1 reason_code, detail FROM trade_exceptions WHERE source_topic = @p3 "
                    + "AND source_partition = @p4 AND source_offset = @p5 ORDER BY exception_id) e",
            bind("trade_versions.trade_id", String.class), bind("trade_versions.version", Integer.class),
            bind("trade_exceptions.source_topic", String.class), bind("trade_exceptions.source_partition", Integer.class),
            bind("trade_exceptions.source_offset", Long.class));
    // The due condition is in the UPDATE's own WHERE as well as in the choice of rows: a claim that
    // waited for another instance's claim of the same rows checks them again once that one commits,
    // and takes none of those it moved on (no READPAST or UPDLOCK hint, which Babelfish ignores).
    static final Statement CLAIM_CALLBACKS = Statement.of("claim callbacks",
            "UPDATE ingest_jobs SET callback_due_at = $1 WHERE job_id IN (SELECT job_id FROM ingest_jobs "
                    + "WHERE callback_status = 'PENDING' AND callback_due_at <= $2 ORDER BY callback_due_at LIMIT $3 "
                    + "FOR UPDATE SKIP LOCKED) RETURNING " + COLUMNS + ", callback_attempts",
            "UPDATE j SET callback_due_at = @p1 OUTPUT " + ("inserted." + COLUMNS).replace(", ", ", inserted.")
                    + ", inserted.callback_attempts FROM ingest_jobs j JOIN (SELECT TOP (@p3) job_id FROM ingest_jobs "
                    + "WHERE callback_status = 'PENDING' AND callback_due_at <= @p2 ORDER BY callback_due_at) due "
                    + "ON j.job_id = due.job_id WHERE j.callback_status = 'PENDING' AND j.callback_due_at <= @p2",
            bind("ingest_jobs.callback_due_at", OffsetDateTime.class),
            bind("ingest_jobs.callback_due_at", OffsetDateTime.class), bind(null, Integer.class));
    static final Statement CALLBACK_LATER = Statement.portable("callback later",
            "UPDATE ingest_jobs SET callback_due_at = $2 WHERE job_id = $1",
            bind(JOB_ID, String.class), bind("ingest_jobs.callback_due_at", OffsetDateTime.class));
    static final Statement CALLBACK_DELIVERED = Statement.portable("callback delivered",
            "UPDATE ingest_jobs SET callback_status = 'DELIVERED', callback_attempts = $2, callback_delivered_at = $3, "
                    + "callback_due_at = NULL, callback_error = NULL WHERE job_id = $1",
            bind(JOB_ID, String.class), bind("ingest_jobs.callback_attempts", Integer.class),
            bind("ingest_jobs.callback_delivered_at", OffsetDateTime.class));
    static final Statement CALLBACK_FAILED = Statement.portable("callback failed",
            "UPDATE ingest_jobs SET callback_status = $2, callback_attempts = $3, callback_due_at = $4, "
                    + "callback_error = $5 WHERE job_id = $1",
            bind(JOB_ID, String.class), bind("ingest_jobs.callback_status", String.class),
            bind("ingest_jobs.callback_attempts", Integer.class), bind("ingest_jobs.callback_due_at", OffsetDateTime.class),
            bind("ingest_jobs.callback_error", String.class));
    static final Statement PURGE_RESERVATIONS = Statement.of("purge reservations",
            "DELETE FROM ingest_jobs WHERE job_id IN (SELECT job_id FROM ingest_jobs WHERE source_offset IS NULL "
                    + "AND created_at < $1 LIMIT $2)",
            "DELETE TOP (@p2) FROM ingest_jobs WHERE source_offset IS NULL AND created_at < @p1",
            bind("ingest_jobs.created_at", OffsetDateTime.class), bind(null, Integer.class));
    static final Statement PURGE_EXPIRED = Statement.of("purge expired",
            "DELETE FROM ingest_jobs WHERE job_id IN (SELECT job_id FROM ingest_jobs WHERE accepted_at < $1 "
                    + "AND callback_status IS DISTINCT FROM 'PENDING' LIMIT $2)",
            "DELETE TOP (@p2) FROM ingest_jobs WHERE accepted_at < @p1 "
                    + "AND (callback_status IS NULL OR callback_status <> 'PENDING')",
            bind("ingest_jobs.accepted_at", OffsetDateTime.class), bind(null, Integer.class));

    /** Every statement of this repository, for the dialect test. */
    public static final List<Statement> STATEMENTS = List.of(RESERVE, INSERT_ACCEPTED, ACCEPT, RELEASE, RELEASE_STALE, BY_ID,
            BY_KEY, OUTCOME, CLAIM_CALLBACKS, CALLBACK_LATER, CALLBACK_DELIVERED, CALLBACK_FAILED, PURGE_RESERVATIONS,
            PURGE_EXPIRED);

    /** A job whose callback is due, claimed by this instance, with the deliveries tried so far. */
    public record CallbackClaim(IngestJob job, int attempts) {
    }

    private final StoreStatements store;

    public IngestJobRepository(StoreStatements store) {
        this.store = store;
    }

    /** Reserves a job; false when the idempotency key is already taken (by a job in flight or accepted). */
    public Uni<Boolean> reserve(IngestJob job) {
        return store.upsert(RESERVE, job.jobId(), job.idempotencyKey(), job.tradeId(), job.version(),
                        job.partitionKey(), job.enteredBy(), job.callbackUrl(), job.createdAt(),
                        job.callbackUrl() == null ? null : "PENDING")
                .map(result -> result.rowCount() == 1);
    }

    /** Writes a job without Idempotency-Key, after the broker acknowledged its record. */
    public Uni<Void> insertAccepted(IngestJob job, String topic, int partition, long offset, OffsetDateTime at) {
        return store.run(INSERT_ACCEPTED, job.jobId(), job.tradeId(), job.version(),
                job.partitionKey(), job.enteredBy(), job.callbackUrl(), job.createdAt(),
                job.callbackUrl() == null ? null : "PENDING", topic, partition, offset, at).replaceWithVoid();
    }

    /** Records the broker's acknowledgement: from now on the job is reported to callers. */
    public Uni<Void> accept(String jobId, String topic, int partition, long offset, OffsetDateTime at) {
        return store.run(ACCEPT, jobId, topic, partition, offset, at).replaceWithVoid();
    }

    /** Drops a reservation whose record never reached the broker. */
    public Uni<Void> release(String jobId) {
        return store.run(RELEASE, jobId).replaceWithVoid();
    }

    /** Drops a reservation older than {@code age} that was never acknowledged (its instance died). */
    public Uni<Boolean> releaseStale(String jobId, Duration age) {
        OffsetDateTime before = OffsetDateTime.now(ZoneOffset.UTC).minus(age);
        return store.run(RELEASE_STALE, jobId, before).map(r -> r.rowCount() == 1);
    }

    public Uni<IngestJob> byId(String jobId) {
        return store.run(BY_ID, jobId).map(IngestJobRepository::first);
    }

    public Uni<IngestJob> byIdempotencyKey(String key) {
        return store.run(BY_KEY, key).map(IngestJobRepository::first);
    }

    /** The job as capture has decided it so far. */
    public Uni<JobStatus> status(IngestJob job) {
        if (!job.accepted()) {
            return Uni.createFrom().item(JobStatus.accepted(job));
        }
        return store.run(OUTCOME, job.tradeId(), job.version(), job.sourceTopic(),
                job.sourcePartition(), job.sourceOffset()).map(rows -> {
                    Row row = rows.iterator().next();
                    // Captured first: a trade captured with partial enrichment has exceptions too.
                    OffsetDateTime captured = row.getOffsetDateTime("captured_at");
                    if (captured != null) {
                        return new JobStatus(job.jobId(), JobStatus.CAPTURED, job.tradeId(), job.version(),
                                job.partitionKey(), job.acceptedAt(), captured, null, null);
                    }
                    String reason = row.getString("reason_code");
                    if (reason != null) {
                        return new JobStatus(job.jobId(), JobStatus.REJECTED, job.tradeId(), job.version(),
                                job.partitionKey(), job.acceptedAt(), null, reason, row.getString("detail"));
                    }
                    Integer newest = row.getInteger("newest");
                    if (newest != null && newest > job.version()) {
                        return new JobStatus(job.jobId(), JobStatus.SUPERSEDED, job.tradeId(), job.version(),
                                job.partitionKey(), job.acceptedAt(), null, null, null);
                    }
                    return JobStatus.accepted(job);
                });
    }

    /**
     * Claims up to {@code limit} jobs whose callback is due: their due time moves to {@code leaseUntil},
     * so no other instance takes them meanwhile, and back if this one dies before it is done.
     */
    public Uni<List<CallbackClaim>> claimDueCallbacks(int limit, OffsetDateTime now, OffsetDateTime leaseUntil) {
        return store.run(CLAIM_CALLBACKS, leaseUntil, now, limit).map(rows -> {
            List<CallbackClaim> claims = new ArrayList<>(rows.size());
            for (Row r : rows) {
                claims.add(new CallbackClaim(job(r), r.getInteger("callback_attempts")));
            }
            return claims;
        });
    }

    /** Looks at the job again at {@code due}: capture has not decided it yet. */
    public Uni<Void> callbackLater(String jobId, OffsetDateTime due) {
        return store.run(CALLBACK_LATER, jobId, due).replaceWithVoid();
    }

    public Uni<Void> callbackDelivered(String jobId, int attempts, OffsetDateTime at) {
        return store.run(CALLBACK_DELIVERED, jobId, attempts, at).replaceWithVoid();
    }

    /** Records a failed delivery: tried again at {@code due}, or given up ({@code FAILED}, due null). */
    public Uni<Void> callbackFailed(String jobId, int attempts, boolean giveUp, OffsetDateTime due, String error) {
        return store.run(CALLBACK_FAILED, jobId,
                giveUp ? "FAILED" : "PENDING", attempts, giveUp ? null : due, error).replaceWithVoid();
    }

    /** Deletes up to {@code limit} reservations created before {@code before} and never acknowledged. */
    public Uni<Integer> purgeReservations(OffsetDateTime before, int limit) {
        return store.run(PURGE_RESERVATIONS, before, limit).map(RowSet::rowCount);
    }

    /** Deletes up to {@code limit} jobs accepted before {@code before} whose callback is not still owed. */
    public Uni<Integer> purgeExpired(OffsetDateTime before, int limit) {
        return store.run(PURGE_EXPIRED, before, limit).map(RowSet::rowCount);
    }

    private static IngestJob first(RowSet<Row> rows) {
        return rows.size() == 0 ? null : job(rows.iterator().next());
    }

    private static IngestJob job(Row r) {
        return new IngestJob(r.getString("job_id"), r.getString("idempotency_key"), r.getString("trade_id"),
                r.getInteger("version"), r.getString("partition_key"), r.getString("entered_by"),
                r.getString("callback_url"), r.getString("source_topic"), r.getInteger("source_partition"),
                r.getLong("source_offset"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("accepted_at"));
    }
}
