package com.pb.synth.tradecapture.security;

import io.quarkus.security.identity.SecurityIdentity;

/** Who a request's identity is, as the service records it. */
public final class Identities {

    private Identities() {
    }

    /** The token's subject, or null for a request without one (authentication off). */
    public static String name(SecurityIdentity identity) {
        return identity.isAnonymous() ? null : identity.getPrincipal().getName();
    }
}
