package com.pb.synth.tradecapture.ingest;

import com.pb.synth.tradecapture.domain.Callers;
import com.pb.synth.tradecapture.http.Problem;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.pb.synth.tradecapture.capture.TradeCaptureRequest;
import com.pb.synth.tradecapture.capture.TradeRequestMapper;
import com.pb.synth.tradecapture.domain.FieldError;
import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.domain.PartitionKey;
import com.pb.synth.tradecapture.domain.ReasonCode;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * HTTP ingest: validates a trade, reserves its job (and its Idempotency-Key, across instances,
 * in the database), puts it on the input topic keyed by partition key and answers only once the
 * broker acknowledged it. The capture pipeline does the rest, in order with the key's Kafka trades.
 *
 * <p>Nothing is half-written: a record the broker did not take releases its reservation and the
 * caller gets 503 with Retry-After. A second request with the same key waits for the first one's
 * acknowledgement and then gets the same job.
 */
@ApplicationScoped
public class IngestService {

    private static final Logger LOG = Logger.getLogger(IngestService.class);
    private static final Duration POLL = Duration.ofMillis(50);
    public static final int MAX_IDEMPOTENCY_KEY = 128;
    /** What a manual entry without {@code enteredBy} records when authentication is off. */

    /** A request as the resource hands it over. */
    public record Submission(byte[] body, String idempotencyKey, String callbackUrl, boolean manual, String caller) {
    }

    private final TradeRequestMapper mapper;
    private final ObjectWriter writer;
    private final IngestJobRepository jobs;
    private final TradePublisher publisher;
    private final CaptureConfig.Http http;
    private final CallbackPolicy callbacks;
    private final RateLimits limits;

    public IngestService(TradeRequestMapper mapper, ObjectMapper objectMapper, IngestJobRepository jobs,
                         TradePublisher publisher, CaptureConfig config, CallbackPolicy callbacks, RateLimits limits) {
        this.callbacks = callbacks;
        this.limits = limits;
        this.mapper = mapper;
        this.writer = objectMapper.writerFor(TradeCaptureRequest.class)
                .without(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        this.jobs = jobs;
        this.publisher = publisher;
        this.http = config.http();
    }

    /** Accepts a trade: the job once the broker has the record, or a {@link Problem.Failure}. */
    public Uni<JobStatus> submit(Submission s) {
        limits.caller(s.caller());
        TradeCaptureRequest request = checked(s);
        PartitionKey key = new PartitionKey(request.accountId(), request.bookId(), request.securityId());
        limits.partitionKey(key.value());
        byte[] payload;
        try {
            payload = writer.writeValueAsBytes(request);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        IngestJob job = new IngestJob(UUID.randomUUID().toString(), request.idempotencyKey(), request.tradeId(),
                request.version() == null ? 1 : request.version(), key.value(), request.enteredBy(), s.callbackUrl(),
                null, null, null, OffsetDateTime.now(ZoneOffset.UTC), null);
        if (job.idempotencyKey() == null) {
            return detached(publishThenRecord(job, payload));
        }
        long deadline = System.nanoTime() + http.idempotencyWait().toNanos();
        return detached(claim(job, payload, deadline));
    }

    /**
     * Runs acceptance to its end even when the caller hangs up: a record the broker took must get its
     * job written, and a reservation must be accepted or released, not left half-way by a cancel.
     */
    private static <T> Uni<T> detached(Uni<T> work) {
        return Uni.createFrom().emitter(em -> work.subscribe().with(em::complete, em::fail));
    }

    public Uni<JobStatus> status(String jobId) {
        return jobs.byId(jobId).flatMap(job -> {
            if (job == null || !job.accepted()) {
                throw new Problem.Failure(Problem.of(404, "Not found", "no job " + jobId));
            }
            return jobs.status(job);
        });
    }

    /** The request with the header's Idempotency-Key and the manual-entry rules applied, or 400/403. */
    private TradeCaptureRequest checked(Submission s) {
        TradeRequestMapper.Parsed parsed = mapper.read(s.body());
        if (!parsed.ok()) {
            throw new Problem.Failure(Problem.invalid(List.of(parsed.error())));
        }
        TradeCaptureRequest r = parsed.request();
        List<FieldError> errors = new ArrayList<>();
        String idempotencyKey = s.idempotencyKey() != null ? s.idempotencyKey() : r.idempotencyKey();
        if (idempotencyKey != null && (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY)) {
            errors.add(new FieldError("Idempotency-Key", "must be 1 to " + MAX_IDEMPOTENCY_KEY + " characters",
                    ReasonCode.INVALID_VALUE));
        }
        // A manual entry records who entered it: the authenticated caller when the body does not say
        // (the replaced service's clients do not send it), Callers.ANONYMOUS with authentication off.
        String enteredBy = r.enteredBy();
        if (s.manual() && enteredBy == null) {
            enteredBy = Callers.orAnonymous(s.caller());
        }
        if (s.manual() && enteredBy.isBlank()) {
            errors.add(new FieldError("enteredBy", "must not be blank for a manual entry", ReasonCode.MISSING_FIELD));
        }
        if (s.callbackUrl() != null) {
            try {
                callbacks.destination(s.callbackUrl());
            } catch (CallbackPolicy.Refused refused) {
                errors.add(new FieldError("X-Callback-Url", refused.getMessage(), ReasonCode.INVALID_VALUE));
            }
        }
        TradeCaptureRequest request = new TradeCaptureRequest(r.tradeId(), idempotencyKey, r.accountId(), r.bookId(),
                r.securityId(), s.manual() ? "MANUAL" : r.source(), r.tradeDate(), r.settlementDate(),
                r.tradeTimestamp(), r.bookingTimestamp(), r.counterpartyIds(), r.sequenceNumber(), r.metadata(),
                enteredBy, r.tradeLots(), r.action(), r.version(), r.side());
        errors.addAll(mapper.violations(request));
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparing(FieldError::field));
            throw new Problem.Failure(Problem.invalid(errors));
        }
        if (s.manual() && http.authEnabled() && !enteredBy.equals(s.caller())) {
            throw new Problem.Failure(Problem.of(403, "Forbidden",
                    "enteredBy " + enteredBy + " is not the authenticated user"));
        }
        return request;
    }

    /**
     * Takes the job's reservation and publishes; or, when its Idempotency-Key is held, waits for
     * the holder's acknowledgement and answers with the holder's job.
     */
    private Uni<JobStatus> claim(IngestJob job, byte[] payload, long deadline) {
        return jobs.reserve(job)
                .onFailure().transform(IngestService::unavailable)
                .flatMap(reserved -> {
                    if (reserved) {
                        return publish(job, payload);
                    }
                    return jobs.byIdempotencyKey(job.idempotencyKey()).flatMap(held -> {
                        if (held != null && held.accepted()) {
                            return jobs.status(held);
                        }
                        if (held == null) {
                            return claim(job, payload, deadline);
                        }
                        if (System.nanoTime() < deadline) {
                            return Uni.createFrom().voidItem().onItem().delayIt().by(POLL)
                                    .flatMap(v -> claim(job, payload, deadline));
                        }
                        return jobs.releaseStale(held.jobId(), http.reservationTimeout()).flatMap(released -> {
                            if (released) {
                                return claim(job, payload, deadline);
                            }
                            throw new Problem.Failure(Problem.of(503, "Service unavailable",
                                    "a request with this Idempotency-Key is still being accepted; retry"), 1);
                        });
                    });
                });
    }

    /** A job this request has just had acknowledged is ACCEPTED: capture cannot have decided it yet. */
    private Uni<JobStatus> publish(IngestJob job, byte[] payload) {
        return publisher.publish(job.partitionKey(), payload)
                .onFailure().call(f -> jobs.release(job.jobId()).onFailure().recoverWithNull())
                .onFailure().transform(f -> notAcknowledged(job, f))
                .flatMap(pos -> {
                    OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC);
                    return jobs.accept(job.jobId(), pos.topic(), pos.partition(), pos.offset(), at)
                            .replaceWith(accepted(job, at));
                });
    }

    /**
     * Without an Idempotency-Key there is nothing to reserve: the record goes to the broker first and
     * the job is written once, acknowledged (one database round trip instead of two). Should that
     * write fail, the trade is on the topic and will be captured; the caller gets 503 saying so, and
     * a resubmission is safe because capture applies a trade version once.
     */
    private Uni<JobStatus> publishThenRecord(IngestJob job, byte[] payload) {
        return publisher.publish(job.partitionKey(), payload)
                .onFailure().transform(f -> notAcknowledged(job, f))
                .flatMap(pos -> {
                    OffsetDateTime at = OffsetDateTime.now(ZoneOffset.UTC);
                    return jobs.insertAccepted(job, pos.topic(), pos.partition(), pos.offset(), at)
                            .onFailure().transform(f -> {
                                LOG.warnf("trade %s v%d is on the input topic but its job was not stored: %s",
                                        job.tradeId(), job.version(), f.toString());
                                return new Problem.Failure(Problem.of(503, "Service unavailable", "the trade reached "
                                        + "the input topic but its job could not be stored; resubmitting is safe "
                                        + "(a trade version is captured once)"), 5);
                            })
                            .replaceWith(accepted(job, at));
                });
    }

    private static JobStatus accepted(IngestJob job, OffsetDateTime acceptedAt) {
        return new JobStatus(job.jobId(), JobStatus.ACCEPTED, job.tradeId(), job.version(), job.partitionKey(),
                acceptedAt, null, null, null);
    }

    private static Problem.Failure notAcknowledged(IngestJob job, Throwable f) {
        LOG.warnf("trade %s v%d not accepted, broker did not acknowledge: %s", job.tradeId(), job.version(), f.toString());
        return new Problem.Failure(Problem.of(503, "Service unavailable",
                "the trade was not accepted: the broker did not acknowledge it; nothing was stored, retry"), 5);
    }

    private static Throwable unavailable(Throwable f) {
        if (f instanceof Problem.Failure) {
            return f;
        }
        LOG.warnf("ingest store unavailable: %s", f.toString());
        return new Problem.Failure(Problem.of(503, "Service unavailable", "the job store is unavailable; retry"), 5);
    }
}
