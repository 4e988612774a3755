package com.pb.synth.tradecapture.security;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Lets a request through when its bearer token carries the policy's role, or when authentication
 * is switched off ({@code HTTP_AUTH_ENABLED=false}). A request without a valid token is denied as
 * anonymous (401); one whose token lacks the role is denied as forbidden (403).
 */
abstract class RolePolicy implements HttpSecurityPolicy {

    private final String role;
    private final boolean enabled;

    RolePolicy(String role, boolean enabled) {
        this.role = role;
        this.enabled = enabled;
    }

    @Override
    public Uni<CheckResult> checkPermission(RoutingContext request, Uni<SecurityIdentity> identity,
                                            AuthorizationRequestContext context) {
        if (!enabled) {
            return Uni.createFrom().item(CheckResult.PERMIT);
        }
        return identity.map(id -> !id.isAnonymous() && id.hasRole(role) ? CheckResult.PERMIT : CheckResult.DENY);
    }

    @Override
    public String name() {
        return role.replace('.', '-');
    }
}
