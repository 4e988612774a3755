package com.pb.synth.tradecapture.query;

import com.pb.synth.tradecapture.security.Identities;
import com.pb.synth.tradecapture.capture.TradeCaptureRequest;
import com.pb.synth.tradecapture.domain.Callers;
import com.pb.synth.tradecapture.domain.ReasonCode;
import com.pb.synth.tradecapture.http.Paging;
import com.pb.synth.tradecapture.http.Problem;
import com.pb.synth.tradecapture.ingest.IngestService;
import com.pb.synth.tradecapture.ingest.JobStatus;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * The exceptions queue: rejected records kept with their payload, filtered by status and reason
 * code, each readable with its payload, and repaired into a manual entry in one call. Reading
 * needs {@code trade-capture.read}, repairing {@code trade-capture.write}.
 */
@Path("/api/v1/exceptions")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "jwt")
public class ExceptionApi {

    private static final String PROBLEM = Problem.MEDIA_TYPE;
    /** OPEN: to repair; REPAIRED: a repair was submitted (its job says how it went); RESOLVED: closed by capture. */
    static final Set<String> STATUSES = Set.of("OPEN", "REPAIRED", "RESOLVED");

    private final QueryRepository queries;
    private final IngestService ingest;
    private final SecurityIdentity identity;

    public ExceptionApi(QueryRepository queries, IngestService ingest, SecurityIdentity identity) {
        this.queries = queries;
        this.ingest = ingest;
        this.identity = identity;
    }

    @GET
    @Operation(summary = "Exceptions to repair, oldest first; filter by status (OPEN, REPAIRED, RESOLVED) and "
            + "reasonCode; page with afterId")
    @APIResponse(responseCode = "400", description = "unknown status or reason code, or a limit out of 1..1000",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<List<QueryRepository.ExceptionView>> exceptions(
            @QueryParam("status") @DefaultValue("OPEN") String status,
            @QueryParam("reasonCode") String reasonCode,
            @QueryParam("afterId") @DefaultValue("0") long afterId,
            @QueryParam("limit") @DefaultValue("100") int limit) {
        Paging.limit("limit", limit);
        if (!STATUSES.contains(status)) {
            throw new Problem.Failure(Problem.of(400, "Invalid status", "status must be one of " + STATUSES));
        }
        String reason = reasonCode == null || reasonCode.isEmpty() ? null : reasonCode;
        if (reason != null && Arrays.stream(ReasonCode.values()).noneMatch(c -> c.name().equals(reason))) {
            throw new Problem.Failure(Problem.of(400, "Invalid reason code", "no reason code " + reason));
        }
        return queries.exceptions(status, reason, afterId, limit);
    }

    @GET
    @Path("/{exceptionId}")
    @Operation(summary = "One exception with the raw record it came from (payload as text, or Base64 when not UTF-8)")
    @APIResponse(responseCode = "404", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<QueryRepository.ExceptionDetail> exception(@PathParam("exceptionId") long exceptionId) {
        return queries.exception(exceptionId).map(e -> Problem.found(e, "no exception " + exceptionId));
    }

    @POST
    @Path("/{exceptionId}/repair")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Repair an open exception as a manual entry",
            description = "The body is a manual entry (as POST /api/v1/trades/manual-entry), checked the same way. "
                    + "Once accepted the exception is REPAIRED, naming the caller and the job; the job's status tells "
                    + "whether the repaired trade was captured. The same caller repairing the same exception again "
                    + "gets the same job. Role trade-capture.write.")
    @RequestBody(content = @Content(schema = @Schema(implementation = TradeCaptureRequest.class)))
    @APIResponse(responseCode = "202", description = "the repair accepted: its job, the status URL in Location",
            content = @Content(schema = @Schema(implementation = JobStatus.class)))
    @APIResponse(responseCode = "400", description = "invalid trade, each bad field named",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "the exception is not open (resolved, or repaired by someone else)",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> repair(@PathParam("exceptionId") long exceptionId, byte[] body) {
        String caller = Identities.name(identity);
        return queries.exception(exceptionId).map(e -> Problem.found(e, "no exception " + exceptionId)).flatMap(e -> {
            QueryRepository.ExceptionView x = e.exception();
            String by = Callers.orAnonymous(caller);
            // the caller's own repair asked again (an answer lost on the way) is the same job, not a conflict
            boolean again = "REPAIRED".equals(x.status()) && by.equals(x.repairedBy());
            if (!"OPEN".equals(x.status()) && !again) {
                String who = x.repairedBy() == null ? "" : " by " + x.repairedBy() + " as job " + x.repairJobId();
                throw new Problem.Failure(Problem.of(409, "Not open", "exception " + exceptionId + " is "
                        + x.status() + who));
            }
            // One repair per exception and operator: a retry after a lost answer finds the same job.
            String key = repairKey(exceptionId, by);
            return ingest.submit(new IngestService.Submission(body, key, null, true, caller))
                    .call(job -> queries.repaired(exceptionId, by, job.jobId()))
                    .map(job -> Response.accepted(job)
                            .location(URI.create("/api/v1/trades/jobs/" + job.jobId() + "/status")).build());
        });
    }

    /** The repair's Idempotency-Key: the exception and the caller (hashed when the name would make it too long). */
    static String repairKey(long exceptionId, String caller) {
        String key = "repair-" + exceptionId + "-" + caller;
        if (key.length() <= IngestService.MAX_IDEMPOTENCY_KEY) {
            return key;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(caller.getBytes(StandardCharsets.UTF_8));
            return "repair-" + exceptionId + "-sha256-" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
