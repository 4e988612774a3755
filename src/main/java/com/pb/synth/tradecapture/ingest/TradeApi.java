package com.pb.synth.tradecapture.ingest;

import com.pb.synth.tradecapture.security.Identities;
import com.pb.synth.tradecapture.http.Problem;
import com.pb.synth.tradecapture.capture.TradeCaptureRequest;
import com.pb.synth.tradecapture.health.CaptureHealth;
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
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;

/**
 * The HTTP API's write side (README "HTTP API"): ingest, its jobs, and the health answer, path-compatible
 * with the service this one replaces ({@code query.QueryApi} answers the reads). Every call is
 * non-blocking; errors are application/problem+json.
 */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@SecurityScheme(securitySchemeName = "jwt", type = SecuritySchemeType.HTTP, scheme = "bearer", bearerFormat = "JWT")
@SecurityRequirement(name = "jwt")
public class TradeApi {

    private static final String PROBLEM = Problem.MEDIA_TYPE;

    private final IngestService ingest;
    private final SecurityIdentity identity;
    private final SmallRyeHealthReporter health;
    private final PoolStatus pools;

    public TradeApi(IngestService ingest, SecurityIdentity identity,
                    SmallRyeHealthReporter health, PoolStatus pools) {
        this.ingest = ingest;
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
