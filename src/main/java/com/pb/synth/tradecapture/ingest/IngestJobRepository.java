package com.pb.synth.tradecapture.ingest;

import com.pb.synth.tradecapture.store.CaptureStore;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
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
    private static final String RESERVE = "INSERT INTO ingest_jobs (job_id, idempotency_key, trade_id, version, "
            + "partition_key, entered_by, callback_url, created_at, callback_status) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (idempotency_key) DO NOTHING";
    private static final String INSERT_ACCEPTED = "INSERT INTO ingest_jobs (job_id, trade_id, version, partition_key, "
            + "entered_by, callback_url, created_at, callback_status, source_topic, source_partition, source_offset, "
            + "accepted_at, callback_due_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)";
    private static final String ACCEPT = "UPDATE ingest_jobs SET source_topic = $2, source_partition = $3, "
            + "source_offset = $4, accepted_at = $5, callback_due_at = $5 WHERE job_id = $1";
    private static final String RELEASE = "DELETE FROM ingest_jobs WHERE job_id = $1 AND source_offset IS NULL";
    private static final String RELEASE_STALE = "DELETE FROM ingest_jobs WHERE job_id = $1 AND source_offset IS NULL "
            + "AND created_at < $2";
    private static final String BY_ID = "SELECT " + COLUMNS + " FROM ingest_jobs WHERE job_id = $1";
    private static final String BY_KEY = "SELECT " + COLUMNS + " FROM ingest_jobs WHERE idempotency_key = $1";
    private static final String OUTCOME = "SELECT v.captured_at, "
            + "(SELECT max(version) FROM trade_versions WHERE trade_id = $1) AS newest, e.reason_code, e.detail "
            + "FROM (SELECT 1) AS one "
            + "LEFT JOIN trade_versions v ON v.trade_id = $1 AND v.version = $2 "
            + "LEFT JOIN LATERAL (SELECT reason_code, detail FROM trade_exceptions WHERE source_topic = $3 "
            + "AND source_partition = $4 AND source_offset = $5 "
            + "ORDER BY exception_id LIMIT 1) e ON true";

    private static final String CLAIM_CALLBACKS = "UPDATE ingest_jobs SET callback_due_at = $1 WHERE job_id IN ("
            + "SELECT job_id FROM ingest_jobs WHERE callback_status = 'PENDING' AND callback_due_at <= $2 "
            + "ORDER BY callback_due_at LIMIT $3 FOR UPDATE SKIP LOCKED) RETURNING " + COLUMNS + ", callback_attempts";
    private static final String CALLBACK_LATER = "UPDATE ingest_jobs SET callback_due_at = $2 WHERE job_id = $1";
    private static final String CALLBACK_DELIVERED = "UPDATE ingest_jobs SET callback_status = 'DELIVERED', "
            + "callback_attempts = $2, callback_delivered_at = $3, callback_due_at = NULL, callback_error = NULL "
            + "WHERE job_id = $1";
    private static final String CALLBACK_FAILED = "UPDATE ingest_jobs SET callback_status = $2, callback_attempts = $3, "
            + "callback_due_at = $4, callback_error = $5 WHERE job_id = $1";

    private static final String PURGE_RESERVATIONS = "DELETE FROM ingest_jobs WHERE job_id IN (SELECT job_id FROM "
            + "ingest_jobs WHERE source_offset IS NULL AND created_at < $1 LIMIT $2)";
    private static final String PURGE_EXPIRED = "DELETE FROM ingest_jobs WHERE job_id IN (SELECT job_id FROM "
            + "ingest_jobs WHERE accepted_at < $1 AND callback_status IS DISTINCT FROM 'PENDING' LIMIT $2)";

    /** A job whose callback is due, claimed by this instance, with the deliveries tried so far. */
    public record CallbackClaim(IngestJob job, int attempts) {
    }

    private final Pool pool;

    public IngestJobRepository(@CaptureStore Pool pool) {
        this.pool = pool;
    }

    /** Reserves a job; false when the idempotency key is already taken (by a job in flight or accepted). */
    public Uni<Boolean> reserve(IngestJob job) {
        return pool.preparedQuery(RESERVE).execute(Tuple.from(Arrays.asList(job.jobId(), job.idempotencyKey(),
                        job.tradeId(), job.version(), job.partitionKey(), job.enteredBy(), job.callbackUrl(),
                        job.createdAt(), job.callbackUrl() == null ? null : "PENDING")))
                .map(result -> result.rowCount() == 1);
    }

    /** Writes a job without Idempotency-Key, after the broker acknowledged its record. */
    public Uni<Void> insertAccepted(IngestJob job, String topic, int partition, long offset, OffsetDateTime at) {
        return pool.preparedQuery(INSERT_ACCEPTED).execute(Tuple.from(Arrays.asList(job.jobId(), job.tradeId(),
                job.version(), job.partitionKey(), job.enteredBy(), job.callbackUrl(), job.createdAt(),
                job.callbackUrl() == null ? null : "PENDING", topic, partition, offset, at))).replaceWithVoid();
    }

    /** Records the broker's acknowledgement: from now on the job is reported to callers. */
    public Uni<Void> accept(String jobId, String topic, int partition, long offset, OffsetDateTime at) {
        return pool.preparedQuery(ACCEPT).execute(Tuple.of(jobId, topic, partition, offset, at)).replaceWithVoid();
    }

    /** Drops a reservation whose record never reached the broker. */
    public Uni<Void> release(String jobId) {
        return pool.preparedQuery(RELEASE).execute(Tuple.of(jobId)).replaceWithVoid();
    }

    /** Drops a reservation older than {@code age} that was never acknowledged (its instance died). */
    public Uni<Boolean> releaseStale(String jobId, Duration age) {
        OffsetDateTime before = OffsetDateTime.now(ZoneOffset.UTC).minus(age);
        return pool.preparedQuery(RELEASE_STALE).execute(Tuple.of(jobId, before)).map(r -> r.rowCount() == 1);
    }

    public Uni<IngestJob> byId(String jobId) {
        return pool.preparedQuery(BY_ID).execute(Tuple.of(jobId)).map(IngestJobRepository::first);
    }

    public Uni<IngestJob> byIdempotencyKey(String key) {
        return pool.preparedQuery(BY_KEY).execute(Tuple.of(key)).map(IngestJobRepository::first);
    }

    /** The job as capture has decided it so far. */
    public Uni<JobStatus> status(IngestJob job) {
        if (!job.accepted()) {
            return Uni.createFrom().item(JobStatus.pending(job));
        }
        return pool.preparedQuery(OUTCOME).execute(Tuple.of(job.tradeId(), job.version(), job.sourceTopic(),
                job.sourcePartition(), job.sourceOffset())).map(rows -> {
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
                    return JobStatus.pending(job);
                });
    }

    /**
     * Claims up to {@code limit} jobs whose callback is due: their due time moves to {@code leaseUntil},
     * so no other instance takes them meanwhile, and back if this one dies before it is done.
     */
    public Uni<List<CallbackClaim>> claimDueCallbacks(int limit, OffsetDateTime now, OffsetDateTime leaseUntil) {
        return pool.preparedQuery(CLAIM_CALLBACKS).execute(Tuple.of(leaseUntil, now, limit)).map(rows -> {
            List<CallbackClaim> claims = new ArrayList<>(rows.size());
            for (Row r : rows) {
                claims.add(new CallbackClaim(job(r), r.getInteger("callback_attempts")));
            }
            return claims;
        });
    }

    /** Looks at the job again at {@code due}: capture has not decided it yet. */
    public Uni<Void> callbackLater(String jobId, OffsetDateTime due) {
        return pool.preparedQuery(CALLBACK_LATER).execute(Tuple.of(jobId, due)).replaceWithVoid();
    }

    public Uni<Void> callbackDelivered(String jobId, int attempts, OffsetDateTime at) {
        return pool.preparedQuery(CALLBACK_DELIVERED).execute(Tuple.of(jobId, attempts, at)).replaceWithVoid();
    }

    /** Records a failed delivery: tried again at {@code due}, or given up ({@code FAILED}, due null). */
    public Uni<Void> callbackFailed(String jobId, int attempts, boolean giveUp, OffsetDateTime due, String error) {
        return pool.preparedQuery(CALLBACK_FAILED).execute(Tuple.from(Arrays.asList(jobId,
                giveUp ? "FAILED" : "PENDING", attempts, giveUp ? null : due, error))).replaceWithVoid();
    }

    /** Deletes up to {@code limit} reservations created before {@code before} and never acknowledged. */
    public Uni<Integer> purgeReservations(OffsetDateTime before, int limit) {
        return pool.preparedQuery(PURGE_RESERVATIONS).execute(Tuple.of(before, limit)).map(RowSet::rowCount);
    }

    /** Deletes up to {@code limit} jobs accepted before {@code before} whose callback is not still owed. */
    public Uni<Integer> purgeExpired(OffsetDateTime before, int limit) {
        return pool.preparedQuery(PURGE_EXPIRED).execute(Tuple.of(before, limit)).map(RowSet::rowCount);
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
