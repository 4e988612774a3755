package com.pb.synth.tradecapture.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.ingest.IngestJobRepository.CallbackClaim;
import com.pb.synth.tradecapture.config.InstanceId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.mutiny.core.net.SocketAddress;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jboss.logging.Logger;

/**
 * Delivers a job's outcome to the {@code X-Callback-Url} it was submitted with, once capture has
 * decided it: a POST of the job status JSON (the body {@code GET /api/v1/trades/jobs/{id}/status}
 * answers), with the job id in {@code X-Job-Id} and {@code Idempotency-Key} so the receiver can
 * drop a repeat.
 *
 * <p>Delivery is at least once and survives restarts: the state lives in {@code ingest_jobs}. Every
 * instance sweeps for due callbacks, claiming them with {@code FOR UPDATE SKIP LOCKED} and a lease,
 * so one job is delivered by one instance at a time, and a dying instance's claims come due again.
 * A receiver that fails (non-2xx, timeout, refused) is retried with exponential backoff; after
 * {@code max-attempts} the callback is marked {@code FAILED} with the last error, for operations.
 * A destination {@link CallbackPolicy} refuses at delivery is marked {@code FAILED} at once;
 * redirects are never followed (a 3xx is a failed attempt).
 */
@ApplicationScoped
public class CallbackDelivery {

    private static final Logger LOG = Logger.getLogger(CallbackDelivery.class);
    private static final int MAX_ERROR = 500;

    private final IngestJobRepository jobs;
    private final CallbackPolicy policy;
    private final CaptureConfig.Callback config;
    private final Vertx vertx;
    private final ObjectWriter writer;
    private final Counter delivered;
    private final Counter retried;
    private final Counter failed;
    private WebClient client;

    public CallbackDelivery(IngestJobRepository jobs, CaptureConfig config, Vertx vertx, ObjectMapper mapper,
                            MeterRegistry registry, InstanceId instance, CallbackPolicy policy) {
        this.jobs = jobs;
        this.policy = policy;
        this.config = config.http().callback();
        this.vertx = vertx;
        this.writer = mapper.writerFor(JobStatus.class).without(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        String[] tags = {"region", config.region(), "instance", instance.value()};
        this.delivered = counter(registry, tags, "delivered");
        this.retried = counter(registry, tags, "retry");
        this.failed = counter(registry, tags, "failed");
    }

    private static Counter counter(MeterRegistry registry, String[] tags, String outcome) {
        return Counter.builder("ingest.callbacks").tags(tags).tag("outcome", outcome)
                .description("Job outcome deliveries to X-Callback-Url").register(registry);
    }

    void start(@Observes StartupEvent event) {
        int timeoutMs = (int) config.timeout().toMillis();
        client = WebClient.create(vertx, new WebClientOptions().setConnectTimeout(timeoutMs)
                .setIdleTimeout(30).setFollowRedirects(false).setUserAgent("pb-synth-tradecapture-callback"));
    }

    /** Every interval, one sweep; a sweep still running skips the next tick. */
    @Scheduled(every = "${capture.http.callback.interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        if (client == null) {
            return Uni.createFrom().voidItem();
        }
        return sweep().onFailure().invoke(f -> LOG.warnf("callback sweep failed: %s", f.toString()))
                .onFailure().recoverWithNull();
    }

    void stop(@Observes ShutdownEvent event) {
        if (client != null) {
            client.close();
        }
    }

    /** One sweep: claims due callbacks batch by batch until fewer than a batch are due. */
    Uni<Void> sweep() {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        // The lease outlasts a delivery (its timeout) with room to record the outcome.
        OffsetDateTime lease = now.plus(config.timeout().multipliedBy(3)).plusSeconds(5);
        return jobs.claimDueCallbacks(config.batchSize(), now, lease).flatMap(claims -> {
            if (claims.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            Uni<Void> all = Uni.join().all(claims.stream().map(this::handle).toList()).andCollectFailures()
                    .replaceWithVoid();
            return claims.size() < config.batchSize() ? all : all.flatMap(v -> sweep());
        });
    }

    private Uni<Void> handle(CallbackClaim claim) {
        IngestJob job = claim.job();
        return jobs.status(job).flatMap(status -> {
            if (!status.done()) {
                return jobs.callbackLater(job.jobId(), OffsetDateTime.now(ZoneOffset.UTC).plus(config.interval()));
            }
            int attempt = claim.attempts() + 1;
            return post(job, status)
                    .flatMap(v -> {
                        delivered.increment();
                        LOG.debugf("callback of job %s (%s) delivered, attempt %d", job.jobId(), status.status(),
                                attempt);
                        return jobs.callbackDelivered(job.jobId(), attempt, OffsetDateTime.now(ZoneOffset.UTC));
                    })
                    .onFailure().recoverWithUni(f -> failedAttempt(job, attempt, f));
        });
    }

    /**
     * Posts to the address the URL's host resolves to now, once {@link CallbackPolicy} allowed every
     * address it resolves to: the connection goes to the checked address (the request keeps the URL's
     * host for its Host header and TLS), so a name cannot resolve inward between check and connect.
     */
    private Uni<Void> post(IngestJob job, JobStatus status) {
        byte[] body;
        CallbackPolicy.Destination d;
        try {
            body = writer.writeValueAsBytes(status);
            d = policy.destination(job.callbackUrl());
        } catch (Exception e) {
            return Uni.createFrom().failure(e);
        }
        return Uni.createFrom().item(() -> resolve(d.host()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                // a resolver that does not answer fails the attempt like a receiver that does not
                .ifNoItem().after(config.timeout()).failWith(() -> new IllegalStateException("callback host "
                        + d.host() + " did not resolve within " + config.timeout()))
                .flatMap(addresses -> {
                    for (InetAddress a : addresses) {
                        policy.check(d, a);
                    }
                    String uri = (d.uri().getRawPath() == null || d.uri().getRawPath().isEmpty() ? "/"
                            : d.uri().getRawPath()) + (d.uri().getRawQuery() == null ? "" : "?" + d.uri().getRawQuery());
                    return send(client.request(HttpMethod.POST,
                            SocketAddress.inetSocketAddress(d.port(), addresses[0].getHostAddress()), d.port(), d.host(),
                            uri).ssl(d.tls()), job, body);
                });
    }

    private static InetAddress[] resolve(String host) {
        try {
            return InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("callback host " + host + " does not resolve", e);
        }
    }

    private Uni<Void> send(HttpRequest<Buffer> request, IngestJob job, byte[] body) {
        return request
                .timeout(config.timeout().toMillis())
                .putHeader(HttpHeaders.CONTENT_TYPE.toString(), "application/json")
                .putHeader("X-Job-Id", job.jobId())
                .putHeader("Idempotency-Key", "callback-" + job.jobId())
                .sendBuffer(Buffer.buffer(body))
                .map(response -> {
                    if (response.statusCode() / 100 != 2) {
                        throw new IllegalStateException("receiver answered HTTP " + response.statusCode());
                    }
                    return null;
                });
    }

    private Uni<Void> failedAttempt(IngestJob job, int attempt, Throwable f) {
        // a destination the policy refuses (its host resolves inward now, or the allowed hosts changed) is not tried again
        boolean giveUp = attempt >= config.maxAttempts() || f instanceof CallbackPolicy.Refused;
        String error = f.getMessage() == null ? f.getClass().getSimpleName() : f.getMessage();
        if (error.length() > MAX_ERROR) {
            error = error.substring(0, MAX_ERROR);
        }
        if (giveUp) {
            failed.increment();
            LOG.errorf("callback of job %s to %s FAILED after %d attempts: %s", job.jobId(), job.callbackUrl(),
                    attempt, error);
        } else {
            retried.increment();
            LOG.warnf("callback of job %s to %s failed (attempt %d of %d), retrying: %s", job.jobId(),
                    job.callbackUrl(), attempt, config.maxAttempts(), error);
        }
        return jobs.callbackFailed(job.jobId(), attempt, giveUp,
                OffsetDateTime.now(ZoneOffset.UTC).plus(backoff(attempt)), error);
    }

    /** Wait after the given failed attempt: initial-backoff doubled per attempt, capped. */
    Duration backoff(int attempt) {
        Duration wait = config.initialBackoff().multipliedBy(1L << Math.min(attempt - 1, 20));
        return wait.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : wait;
    }
}
