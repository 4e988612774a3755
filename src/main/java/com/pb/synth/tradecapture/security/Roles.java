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

    /** Approval decisions: policy {@code trade-capture-approve}. */
    @Singleton
    public static class Approve extends RolePolicy {
        public Approve(CaptureConfig config) {
            super(APPROVE, config.http().authEnabled());
        }
    }
}
