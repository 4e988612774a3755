package com.pb.synth.tradecapture.store;

import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.config.InstanceId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Ends the transactions of frozen writers on a T-SQL store. A writer frozen mid-transaction (a
 * stopped VM, a long pause) keeps its row locks; its keys' lease expires and another instance takes
 * them, and that instance's capture transaction then waits on the frozen one's locks. PostgreSQL and
 * Babelfish end such a transaction themselves ({@code idle_in_transaction_session_timeout}); SQL
 * Server has no such setting. So when a capture transaction gives up a lock wait
 * ({@code LOCK_TIMEOUT}), this looks for sessions of <em>other</em> instances of this service (by
 * their program name) sitting idle in an open transaction for longer than
 * {@code capture.store.idle-in-transaction-timeout}: a healthy writer never does (its transaction is
 * a few pipelined statements), and a writer of a key this instance now holds the partition lock of
 * has lost that key. Each is ended with {@code KILL}; its late commit could not have landed anyway
 * (the fence refuses it). Where the login may not ({@code ALTER ANY CONNECTION}), the session is
 * named in an ERROR line and in the failure capture reports (readiness, stall), and capture waits.
 */
@Singleton
public class FrozenWriters {

    private static final Logger LOG = Logger.getLogger(FrozenWriters.class);

    static final String FROZEN = "SELECT session_id, program_name, host_name, "
            + "DATEDIFF(second, last_request_end_time, SYSDATETIME()) AS idle_seconds FROM sys.dm_exec_sessions "
            + "WHERE session_id <> @@SPID AND program_name LIKE @p1 AND program_name <> @p2 "
            + "AND open_transaction_count > 0 AND status IN ('sleeping', 'idle in transaction') "
            + "AND last_request_end_time < DATEADD(millisecond, -@p3, SYSDATETIME())";

    /** A session found frozen, and whether it was ended. */
    public record Session(int id, String program, String host, long idleSeconds, String endFailure) {
        public boolean ended() {
            return endFailure == null;
        }

        @Override
        public String toString() {
            return "session " + id + " (" + program + " on " + host + ", idle in an open transaction for " + idleSeconds
                    + " s)";
        }
    }

    private final Pool pool;
    private final boolean enabled;
    private final String me;
    private final long idleMillis;
    private final Counter ended;

    public FrozenWriters(@CaptureStore Pool pool, CaptureConfig config, InstanceId instance, MeterRegistry registry) {
        this.pool = pool;
        this.enabled = config.store().sqlServer() && config.store().mssql().endFrozenWriters();
        this.me = StorePools.appName(instance.value());
        this.idleMillis = config.store().idleInTransactionTimeout().toMillis();
        this.ended = Counter.builder("store.frozen.sessions.ended").tag("region", config.region())
                .tag("instance", instance.value())
                .description("Sessions of frozen writers of other instances ended with KILL after they blocked capture")
                .register(registry);
    }

    /**
     * After {@code failure}: when it is a lock wait given up, ends the frozen writers' sessions; the
     * failure comes back as it was when each was ended (the batch is retried), or naming the sessions
     * that could not be ended.
     */
    public <T> Uni<T> afterFailure(Throwable failure) {
        if (!enabled || !StoreErrors.lockTimeout(failure)) {
            return Uni.createFrom().failure(failure);
        }
        return end().onFailure().recoverWithItem(f -> {
            LOG.warnf("could not look for frozen writers' sessions (%s); needs VIEW SERVER STATE", f.getMessage());
            return List.of();
        }).flatMap(sessions -> {
            List<Session> stuck = sessions.stream().filter(s -> !s.ended()).toList();
            return Uni.createFrom().<T>failure(stuck.isEmpty() ? failure : new BlockedException(stuck, failure));
        });
    }

    /** Finds the frozen sessions of other instances and ends each it may. */
    public Uni<List<Session>> end() {
        return pool.preparedQuery(FROZEN).execute(Tuple.of(StorePools.APP_NAME_PREFIX + "%", me, idleMillis))
                .flatMap(rows -> {
                    List<Uni<Session>> kills = new ArrayList<>();
                    for (Row r : rows) {
                        kills.add(kill(new Session(r.getInteger("session_id"), r.getString("program_name"),
                                r.getString("host_name"), r.getLong("idle_seconds"), null)));
                    }
                    return kills.isEmpty() ? Uni.createFrom().item(List.<Session>of())
                            : Uni.join().all(kills).andCollectFailures();
                });
    }

    private Uni<Session> kill(Session s) {
        // KILL takes no parameter; the id is an integer the server gave.
        return pool.query("KILL " + s.id()).execute().map(r -> {
            ended.increment();
            LOG.warnf("ended frozen writer %s: it blocked capture of keys this instance now holds", s);
            return s;
        }).onFailure().recoverWithItem(f -> {
            LOG.errorf("capture is blocked by frozen writer %s and could not end it: %s. Grant the login ALTER ANY "
                    + "CONNECTION to end such sessions, or end it by hand (KILL %d); capture waits until it ends",
                    s, f.getMessage(), s.id());
            return new Session(s.id(), s.program(), s.host(), s.idleSeconds(), f.getMessage());
        });
    }

    /** A lock wait given up behind frozen writers this instance could not end; keeps the lock timeout as cause. */
    public static final class BlockedException extends RuntimeException {
        BlockedException(List<Session> sessions, Throwable cause) {
            super("blocked by frozen writer " + sessions + " that this login may not end (" + sessions.get(0).endFailure()
                    + ")", cause, false, false);
        }
    }
}
