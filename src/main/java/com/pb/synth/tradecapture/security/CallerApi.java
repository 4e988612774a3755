package com.pb.synth.tradecapture.security;

import com.pb.synth.tradecapture.config.CaptureConfig;
import com.pb.synth.tradecapture.domain.Callers;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/**
 * Who the caller is and which of the service's roles the token carries: the operations console
 * offers a page's actions by these (the API decides again on every call). Any valid token.
 */
@Path("/api/v1/me")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "jwt")
public class CallerApi {

    /** The caller: {@code subject}, its service roles, and whether tokens are checked at all. */
    public record Caller(String subject, List<String> roles, boolean authEnabled) {
    }

    private final SecurityIdentity identity;
    private final boolean authEnabled;

    public CallerApi(SecurityIdentity identity, CaptureConfig config) {
        this.identity = identity;
        this.authEnabled = config.http().authEnabled();
    }

    @GET
    @Operation(summary = "The caller's subject and service roles (every role when authentication is off)")
    public Caller me() {
        if (!authEnabled) {
            return new Caller(Callers.orAnonymous(Identities.name(identity)), Roles.ALL,
                    false);
        }
        return new Caller(identity.getPrincipal().getName(), Roles.ALL.stream().filter(identity::hasRole).toList(), true);
    }
}
