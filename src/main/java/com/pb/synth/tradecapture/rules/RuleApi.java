package com.pb.synth.tradecapture.rules;

import com.pb.synth.tradecapture.security.Identities;
import com.pb.synth.tradecapture.domain.FieldError;
import com.pb.synth.tradecapture.domain.ReasonCode;
import com.pb.synth.tradecapture.domain.rules.RuleCompiler;
import com.pb.synth.tradecapture.domain.rules.RuleDefinition;
import com.pb.synth.tradecapture.http.Problem;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import com.pb.synth.tradecapture.domain.rules.RuleKind;
import jakarta.enterprise.event.Event;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * Capture rules as data: list, read with history, write a new version, delete (a deletion is a
 * version too). A rule is checked in full before it is stored (problem+json naming every problem)
 * and is in force on this instance when the call returns, on every other instance within
 * {@code capture.reference.max-staleness}. Role {@code trade-capture.admin}.
 */
@Path("/api/v1/rules")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "jwt")
public class RuleApi {

    private static final String PROBLEM = Problem.MEDIA_TYPE;

    /** A rule version as the API shows it. */
    public record RuleView(String ruleId, int version, boolean active, String createdAt, String createdBy,
                           RuleDefinition definition) {

        static RuleView of(RuleRepository.StoredRule r) {
            return new RuleView(r.ruleId(), r.version(), r.active(), String.valueOf(r.createdAt()), r.createdBy(),
                    r.definition());
        }
    }

    private final RuleRepository rules;
    private final Event<RulesChanged> changed;
    private final SecurityIdentity identity;

    public RuleApi(RuleRepository rules, Event<RulesChanged> changed, SecurityIdentity identity) {
        this.rules = rules;
        this.changed = changed;
        this.identity = identity;
    }

    /** The rules in force by kind, the shape the replaced service's clients read. */
    public record RulesByKind(List<RuleView> economic, List<RuleView> nonEconomic, List<RuleView> workflow) {

        static RulesByKind of(List<RuleView> rules) {
            Map<RuleKind, List<RuleView>> byKind = new EnumMap<>(RuleKind.class);
            for (RuleKind kind : RuleKind.values()) {
                byKind.put(kind, new ArrayList<>());
            }
            for (RuleView r : rules) {
                // a stored rule has one of the kinds: it was compiled before it was stored
                byKind.get(RuleKind.valueOf(r.definition().kind())).add(r);
            }
            return new RulesByKind(byKind.get(RuleKind.ECONOMIC), byKind.get(RuleKind.NON_ECONOMIC),
                    byKind.get(RuleKind.WORKFLOW));
        }
    }

    @GET
    @Operation(summary = "The rules in force, newest version of each",
            description = "Grouped by kind (economic, nonEconomic, workflow), as the replaced service answered; "
                    + "view=list gives one list in the order they run.")
    @APIResponse(responseCode = "200", description = "by kind; with view=list, an array of RuleView",
            content = @Content(schema = @Schema(oneOf = {RulesByKind.class, RuleView[].class})))
    @APIResponse(responseCode = "400", description = "view is neither grouped nor list",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<Object> list(@QueryParam("view") @DefaultValue("grouped") String view) {
        if (!"grouped".equals(view) && !"list".equals(view)) {
            throw new Problem.Failure(Problem.invalid("Invalid query", List.of(new FieldError("view",
                    "must be grouped or list", ReasonCode.INVALID_VALUE))));
        }
        return rules.current().map(list -> {
            List<RuleView> views = list.stream().map(RuleView::of).toList();
            return "list".equals(view) ? views : RulesByKind.of(views);
        });
    }

    @GET
    @Path("/{ruleId}")
    @Operation(summary = "Every version of a rule, oldest first; a deletion is a version with active false")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = RuleView.class)))
    @APIResponse(responseCode = "404", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<List<RuleView>> versions(@PathParam("ruleId") String ruleId) {
        return rules.versions(ruleId).map(list -> {
            if (list.isEmpty()) {
                throw new Problem.Failure(Problem.of(404, "Not found", "no rule " + ruleId));
            }
            return list.stream().map(RuleView::of).toList();
        });
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Create a rule, or its next version", description = "Checked in full before it is stored.")
    @APIResponse(responseCode = "201", content = @Content(schema = @Schema(implementation = RuleView.class)))
    @APIResponse(responseCode = "400", description = "invalid rule, each problem named",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "another version was written at the same moment; retry",
            content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> write(RuleDefinition rule) {
        if (rule == null) {
            throw new Problem.Failure(Problem.invalid("Invalid rule",
                    List.of(new FieldError("", "a JSON body is required", ReasonCode.MISSING_FIELD))));
        }
        int priority;
        try {
            priority = RuleCompiler.compile(rule, 1).priority();
        } catch (RuleCompiler.InvalidRule e) {
            throw new Problem.Failure(Problem.invalid("Invalid rule", e.problems().stream()
                    .map(p -> new FieldError(p.path(), p.message(), ReasonCode.INVALID_VALUE)).toList()));
        }
        return store(rule, priority, true).map(r -> Response.created(URI.create("/api/v1/rules/" + r.ruleId()))
                .entity(RuleView.of(r)).build());
    }

    @DELETE
    @Path("/{ruleId}")
    @Operation(summary = "Take a rule out of force (recorded as its next version)")
    @APIResponse(responseCode = "204", description = "no longer applied")
    @APIResponse(responseCode = "404", content = @Content(mediaType = PROBLEM, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> delete(@PathParam("ruleId") String ruleId) {
        return rules.versions(ruleId).flatMap(list -> {
            if (list.isEmpty() || !list.get(list.size() - 1).active()) {
                throw new Problem.Failure(Problem.of(404, "Not found", "no rule " + ruleId + " in force"));
            }
            RuleRepository.StoredRule newest = list.get(list.size() - 1);
            return store(newest.definition(), RuleCompiler.compile(newest.definition(), newest.version()).priority(),
                    false);
        }).map(r -> Response.noContent().build());
    }

    /** Stores the version and answers once this instance runs with it. */
    private Uni<RuleRepository.StoredRule> store(RuleDefinition rule, int priority, boolean active) {
        String by = Identities.name(identity);
        return rules.add(rule, priority, active, by)
                .onFailure(PgException.class).transform(f -> "23505".equals(((PgException) f).getSqlState())
                        ? new Problem.Failure(Problem.of(409, "Conflict", "rule " + rule.ruleId()
                                + " was changed at the same moment; read it again and retry"))
                        : f)
                .call(stored -> {
                    RulesChanged event = new RulesChanged();
                    changed.fire(event);
                    return event.reloaded();
                });
    }
}
