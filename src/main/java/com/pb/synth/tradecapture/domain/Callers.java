package com.pb.synth.tradecapture.domain;

/** Who did something, when nobody signed in: the one name the service records for it. */
public final class Callers {

    /** The caller's name with authentication off (HTTP_AUTH_ENABLED=false): entered, decided, rate-limited as. */
    public static final String ANONYMOUS = "anonymous";

    private Callers() {
    }

    /** The caller's name, or {@link #ANONYMOUS} when there is none. */
    public static String orAnonymous(String name) {
        return name == null ? ANONYMOUS : name;
    }
}
