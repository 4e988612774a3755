package com.pb.synth.tradecapture.metrics;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;

/** This instance's live capture state (the console's live panel). Role trade-capture.read. */
@Path("/api/v1/live")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "jwt")
public class LiveApi {

    private final LiveStats stats;

    public LiveApi(LiveStats stats) {
        this.stats = stats;
    }

    @GET
    @Operation(summary = "This instance's throughput and rejects a second (last 10 s), capture latency p50/p99 "
            + "(recent window), consumer lag, lock contention ratio (last 10 s), stalled partitions, and the last "
            + "2 minutes' throughput")
    public LiveStats.Snapshot live() {
        return stats.now();
    }
}
