package com.pb.synth.tradecapture.security;

import com.pb.synth.tradecapture.config.CaptureConfig;
import jakarta.inject.Singleton;

/** The service's roles, carried in the token's {@code groups} claim, and their HTTP policies. */
public final class Roles {

    public static final String WRITE = "trade-capture.write";
    public static final String READ = "trade-capture.read";
    public static final String ADMIN = "trade-capture.admin";
    public static final String APPROVE = "trade-capture.approve";

    private Roles() {
    }

    /** POSTs of trades: policy {@code trade-capture-write}. */
    @Singleton
    public static class Write extends RolePolicy {
        public Write(CaptureConfig config) {
            super(WRITE, config.http().authEnabled());
        }
    }

    /** Reads of trades, jobs, positions and exceptions: policy {@code trade-capture-read}. */
    @Singleton
    public static class Read extends RolePolicy {
        public Read(CaptureConfig config) {
            super(READ, config.http().authEnabled());
        }
    }

    /** Reference data and rules administration: policy {@code trade-capture-admin}. */
    @Singleton
    public static class Admin extends RolePolicy {
        public Admin(CaptureConfig config) {
            super(ADMIN, config.http().authEnabled());
        }
    }

    /** The roles the service knows, in the order the console lists them. */
    public static final java.util.List<String> ALL = java.util.List.of(READ, WRITE, APPROVE, ADMIN);

    /** Any valid token, whatever its roles (who the caller is): policy {@code trade-capture-user}. */
    @Singleton
    public static class Authenticated extends RolePolicy {
        public Authenticated(CaptureConfig config) {
            super(config.http().authEnabled(), "trade-capture-user");
        }
    }

    /** Reading the rules: readers and the admins who write them, policy {@code trade-capture-rules-read}. */
    @Singleton
    public static class RulesRead extends RolePolicy {
        public RulesRead(CaptureConfig config) {
            super(config.http().authEnabled(), "trade-capture-rules-read", READ, ADMIN);
        }
    }

    /** Approval decisions: policy {@code trade-capture-approve}. */
    @Singleton
    public static class Approve extends RolePolicy {
        public Approve(CaptureConfig config) {
            super(APPROVE, config.http().authEnabled());
        }
    }
}
