package com.pb.synth.tradecapture.security;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityPolicy;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Lets a request through when its bearer token carries one of the policy's roles (any valid token
 * when the policy names none), or when authentication
 * is switched off ({@code HTTP_AUTH_ENABLED=false}). A request without a valid token is denied as
 * anonymous (401); one whose token lacks the role is denied as forbidden (403).
 */
abstract class RolePolicy implements HttpSecurityPolicy {

    private final String name;
    private final List<String> roles;
    private final boolean enabled;

    /** A policy called {@code name}, passing a token with any of {@code roles} (any valid token when none). */
    RolePolicy(boolean enabled, String name, String... roles) {
        this.name = name;
        this.roles = List.of(roles);
        this.enabled = enabled;
    }

    RolePolicy(String role, boolean enabled) {
        this(enabled, role.replace('.', '-'), role);
    }

    @Override
    public Uni<CheckResult> checkPermission(RoutingContext request, Uni<SecurityIdentity> identity,
                                            AuthorizationRequestContext context) {
        if (!enabled) {
            return Uni.createFrom().item(CheckResult.PERMIT);
        }
        return identity.map(id -> !id.isAnonymous() && (roles.isEmpty() || roles.stream().anyMatch(id::hasRole))
                ? CheckResult.PERMIT : CheckResult.DENY);
    }

    @Override
    public String name() {
        return name;
    }
}
