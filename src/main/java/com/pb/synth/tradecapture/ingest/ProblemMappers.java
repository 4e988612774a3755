package com.pb.synth.tradecapture.ingest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error of the HTTP API as application/problem+json. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response failure(Problem.Failure failure) {
        return failure.toResponse();
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        return Problem.of(status, e.getResponse().getStatusInfo().getReasonPhrase(), e.getMessage()).toResponse();
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("request failed", e);
        return Problem.of(500, "Internal error", "the request could not be completed; it is safe to retry")
                .toResponse();
    }
}
