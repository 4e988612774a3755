package com.pb.synth.tradecapture.ingest;

import com.pb.synth.tradecapture.security.Identities;
import com.pb.synth.tradecapture.http.Paging;
import com.pb.synth.tradecapture.http.Problem;
import com.pb.synth.tradecapture.capture.TradeCaptureRequest;
import com.pb.synth.tradecapture.health.CaptureHealth;
import com.pb.synth.tradecapture.domain.FifoLots;
import com.pb.synth.tradecapture.domain.Page;
import com.pb.synth.tradecapture.domain.PartitionKey;
import com.pb.synth.tradecapture.store.PoolStatus;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.health.SmallRyeHealthReporter;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;

/**
 * The HTTP API (README "HTTP API"), path-compatible with the service this one replaces. Every call is
 * non-blocking; errors are application/problem+json.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@SecurityScheme(securitySchemeName = "jwt", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
@SecurityRequirement(name = "jwt")
public class TradeApi {

    private static final String PROBLEM = Problem.MEDIA_TYPE;

    private final IngestService ingest;
    private final QueryRepository queries;
    private final SecurityIdentity identity;
    private final SmallRyeHealthReporter health;
    private final PoolStatus pools;

    public TradeApi(IngestService ingest, QueryRepository queries, SecurityIdentity identity,
                    SmallRyeHealthReporter health, PoolStatus pools) {
        this.ingest = ingest;
        this.queries = queries;
        this.identity = identity;
        this.health = health;
        this.pools = pools;
    }

    @POST
    @Path("/trades/capture")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Capture a trade", description = "Accepted (202) once the broker has stored the record; "
            + "capture follows in order with the key's Kafka trades. Role trade-capture.write.")
    @RequestBody(content = @Content(schema = @Schema(implementation = TradeCaptureRequest.class)))
    @APIResponse(responseCode = "202", description = "accepted: the job, its status URL in Location",
            content = @Content(schema = @Schema(implementation = JobStatus.class)))
    @APIResponse(responseCode = "400", description = "invalid trade, each bad field named (an X-Callback-Url "
            + "not allowed too)", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "body over the limit (256 KiB)")
    @APIResponse(responseCode = "429", description = "over the caller's or the partition key's rate limit: nothing "
            + "stored; retry after Retry-After (reasonCode RATE_LIMIT_EXCEEDED)",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "broker or store unavailable: nothing stored; retry after Retry-After",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> capture(byte[] body, @HeaderParam("Idempotency-Key") String idempotencyKey,
                                 @HeaderParam("X-Callback-Url") String callbackUrl) {
        return accepted(new IngestService.Submission(body, idempotencyKey, callbackUrl, false, caller()));
    }

    @POST
    @Path("/trades/manual-entry")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Rebook a trade by hand", description = "As capture, with source MANUAL; enteredBy is "
            + "the authenticated user (taken from the token when absent; when sent it must be that user; "
            + "'anonymous' with authentication off). Role trade-capture.write.")
    @RequestBody(content = @Content(schema = @Schema(implementation = TradeCaptureRequest.class)))
    @APIResponse(responseCode = "202", description = "accepted",
            content = @Content(schema = @Schema(implementation = JobStatus.class)))
    @APIResponse(responseCode = "400", description = "invalid trade",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "wrong role, or enteredBy is not the caller",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "over a rate limit; retry after Retry-After",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "broker or store unavailable; retry",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> manualEntry(byte[] body, @HeaderParam("Idempotency-Key") String idempotencyKey,
                                     @HeaderParam("X-Callback-Url") String callbackUrl) {
        return accepted(new IngestService.Submission(body, idempotencyKey, callbackUrl, true, caller()));
    }

    @GET
    @Path("/trades/jobs/{jobId}/status")
    @Operation(summary = "A job's status: ACCEPTED (not decided yet), CAPTURED, SUPERSEDED or REJECTED with its reason")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = JobStatus.class)))
    @APIResponse(responseCode = "404", description = "no such job",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<JobStatus> jobStatus(@PathParam("jobId") String jobId) {
        return ingest.status(jobId);
    }

    @GET
    @Path("/trades/capture/{tradeId}")
    @Operation(summary = "A trade's swap blotter, every captured version")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = QueryRepository.TradeView.class)))
    @APIResponse(responseCode = "404", description = "never captured",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<QueryRepository.TradeView> trade(@PathParam("tradeId") String tradeId) {
        return queries.trade(tradeId).map(t -> Problem.found(t, "no captured trade " + tradeId));
    }

    @GET
    @Path("/positions/{accountId}/{bookId}/{securityId}")
    @Operation(summary = "A partition key's position, its open lots one page at a time (oldest first: lotsAfter is "
            + "the previous page's nextLotsAfter, lotsLimit 1 to 1,000, default 100; openLotCount in all) and the "
            + "first page of its reliefs (reliefCount in all; the rest at .../reliefs)")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = QueryRepository.PositionView.class)))
    @APIResponse(responseCode = "400", description = "an invalid key, cursor or page size",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "no trade captured for the key",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<QueryRepository.PositionView> position(@PathParam("accountId") String accountId,
                                                      @PathParam("bookId") String bookId,
                                                      @PathParam("securityId") String securityId,
                                                      @QueryParam("lotsAfter") String lotsAfter,
                                                      @QueryParam("lotsLimit") String lotsLimit) {
        String key = key(accountId, bookId, securityId);
        return queries.position(key, Paging.after("lotsAfter", lotsAfter), Paging.limit("lotsLimit", lotsLimit))
                .map(p -> Problem.found(p, "no position for " + key));
    }

    @GET
    @Path("/positions/{accountId}/{bookId}/{securityId}/reliefs")
    @Operation(summary = "A partition key's reliefs (a lot of one direction closing quantity of an older lot of the "
            + "other), oldest first, made on the UTC days from..to (both included, either may be left out), one "
            + "page at a time: after is the previous page's nextAfter, limit 1 to 1,000, default 100; total in all")
    @APIResponse(responseCode = "400", description = "an invalid key, date, cursor or page size",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "no trade captured for the key",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<Page<FifoLots.Relief>> reliefs(@PathParam("accountId") String accountId, @PathParam("bookId") String bookId,
                                              @PathParam("securityId") String securityId,
                                              @QueryParam("from") String from, @QueryParam("to") String to,
                                              @QueryParam("after") String after,
                                              @QueryParam("limit") String limit) {
        String key = key(accountId, bookId, securityId);
        return queries.reliefs(key, dates(from, to), Paging.after("after", after), Paging.limit("limit", limit))
                .map(p -> Problem.found(p, "no position for " + key));
    }

    @GET
    @Path("/positions/{accountId}/{bookId}/{securityId}/closed-lots")
    @Operation(summary = "A partition key's lots relieved in full, in the order they were opened, closed on the UTC "
            + "days from..to (both included, either may be left out), one page at a time: after is the previous "
            + "page's nextAfter, limit 1 to 1,000, default 100; total in all")
    @APIResponse(responseCode = "400", description = "an invalid key, date, cursor or page size",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "no trade captured for the key",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<Page<FifoLots.ClosedLot>> closedLots(@PathParam("accountId") String accountId,
                                                    @PathParam("bookId") String bookId,
                                                    @PathParam("securityId") String securityId,
                                                    @QueryParam("from") String from, @QueryParam("to") String to,
                                                    @QueryParam("after") String after,
                                                    @QueryParam("limit") String limit) {
        String key = key(accountId, bookId, securityId);
        return queries.closedLots(key, dates(from, to), Paging.after("after", after), Paging.limit("limit", limit))
                .map(p -> Problem.found(p, "no position for " + key));
    }

    private static String key(String accountId, String bookId, String securityId) {
        try {
            return new PartitionKey(accountId, bookId, securityId).value();
        } catch (IllegalArgumentException e) {
            throw new Problem.Failure(Problem.of(400, "Invalid key", e.getMessage()));
        }
    }

    private static QueryRepository.Dates dates(String from, String to) {
        QueryRepository.Dates dates = new QueryRepository.Dates(date("from", from), date("to", to));
        if (dates.from() != null && dates.to() != null && dates.to().isBefore(dates.from())) {
            throw new Problem.Failure(Problem.of(400, "Invalid date range", "to (" + to + ") is before from (" + from + ")"));
        }
        return dates;
    }

    private static LocalDate date(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return LocalDate.parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new Problem.Failure(Problem.of(400, "Invalid date", name + " must be a date (YYYY-MM-DD), was " + value));
        }
    }

    @GET
    @Path("/health")
    @Operation(summary = "Health as the previous service answered it: {\"status\":\"UP\"} or DOWN (503), "
            + "with the database pool's connectionPool {active, total, maximumPoolSize}. DOWN when the instance "
            + "is not ready or does not capture (capture health: a dependency away, a stalled partition)")
    @APIResponse(responseCode = "200", description = "ready and capturing", content = @Content(schema = @Schema(implementation = LegacyHealth.class)))
    @APIResponse(responseCode = "503", description = "not ready, or not capturing", content = @Content(schema = @Schema(implementation = LegacyHealth.class)))
    public Uni<Response> health() {
        return Uni.combine().all().unis(health.getReadinessAsync(), health.getHealthGroupAsync(CaptureHealth.GROUP))
                .with((ready, capture) -> ready.isDown() || capture.isDown()).map(down -> Response.status(down ? 503 : 200)
                        .entity(new LegacyHealth(down ? "DOWN" : "UP", pools.now())).build());
    }

    /** The replaced service's health answer: its monitoring reads {@code status} and {@code connectionPool}. */
    public record LegacyHealth(String status, PoolStatus.Snapshot connectionPool) {
    }

    private Uni<Response> accepted(IngestService.Submission submission) {
        return ingest.submit(submission).map(job -> Response.accepted(job)
                .location(URI.create("/api/v1/trades/jobs/" + job.jobId() + "/status")).build());
    }

    private String caller() {
        return Identities.name(identity);
    }
}
