package com.pb.synth.tradecapture.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.pb.synth.tradecapture.security.Identities;
import com.pb.synth.tradecapture.domain.ApprovalDecision;
import com.pb.synth.tradecapture.domain.FieldError;
import com.pb.synth.tradecapture.domain.ReasonCode;
import com.pb.synth.tradecapture.http.Paging;
import com.pb.synth.tradecapture.http.Problem;
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
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/** The approval queue and decisions. Listing needs {@code trade-capture.read}, deciding {@code trade-capture.approve}. */
@Path("/api/v1/approvals")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "jwt")
public class ApprovalApi {

    private static final String PROBLEM = Problem.MEDIA_TYPE;

    /** A decision: APPROVE or REJECT, and why (required when rejecting). */
    public record DecisionRequest(String decision, String comment) {
    }

    private final ApprovalService approvals;
    private final SecurityIdentity identity;

    public ApprovalApi(ApprovalService approvals, SecurityIdentity identity) {
        this.approvals = approvals;
        this.identity = identity;
    }

    @GET
    @Operation(summary = "Trade versions waiting for approval, oldest first; page with after=<capturedAt of the last>")
    public Uni<List<JsonNode>> queue(@QueryParam("after") String after, @QueryParam("limit") @DefaultValue("100") int limit) {
        Paging.limit("limit", limit);
        OffsetDateTime from;
        try {
            from = after == null ? OffsetDateTime.parse("1970-01-01T00:00:00Z") : OffsetDateTime.parse(after);
        } catch (DateTimeParseException e) {
            throw new Problem.Failure(Problem.of(400, "Invalid after", "after must be an ISO-8601 timestamp"));
        }
        return approvals.queue(from, limit);
    }

    @POST
    @Path("/{tradeId}/{version}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Approve or reject a trade version waiting for approval",
            description = "Role trade-capture.approve; the approver must not be the person who entered the trade. "
                    + "Answers with the event published on the output topic.")
    @APIResponse(responseCode = "200", description = "decided; the event published")
    @APIResponse(responseCode = "400", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "wrong role, or the approver entered the trade",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "not waiting for approval, superseded, or decided otherwise",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<ApprovalService.Outcome> decide(@PathParam("tradeId") String tradeId, @PathParam("version") int version,
                                               DecisionRequest request) {
        List<FieldError> errors = new ArrayList<>();
        String decision = request == null ? null : request.decision();
        if (!ApprovalDecision.isDecision(decision)) {
            errors.add(new FieldError("decision", "must be APPROVE or REJECT", ReasonCode.INVALID_VALUE));
        }
        String comment = request == null ? null : request.comment();
        if (ApprovalDecision.REJECT.equals(decision) && (comment == null || comment.isBlank())) {
            errors.add(new FieldError("comment", "a rejection needs a comment", ReasonCode.MISSING_FIELD));
        }
        if (comment != null && comment.length() > 1000) {
            errors.add(new FieldError("comment", "at most 1000 characters", ReasonCode.INVALID_VALUE));
        }
        if (!errors.isEmpty()) {
            throw new Problem.Failure(Problem.invalid("Invalid decision", errors));
        }
        String approver = Identities.name(identity);
        return approvals.decide(tradeId, version, decision, comment, approver);
    }
}
