package com.pb.synth.tradecapture.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.pb.synth.tradecapture.validation.JsonPaths;
import com.pb.synth.tradecapture.domain.FieldError;
import com.pb.synth.tradecapture.domain.ReasonCode;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every error of the HTTP API as application/problem+json. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response failure(Problem.Failure failure) {
        return failure.toResponse();
    }

    /** A body of the wrong shape for an endpoint that binds JSON (the trade endpoints parse their own). */
    @ServerExceptionMapper
    public Response wrongType(MismatchedInputException e) {
        return Problem.invalid("Unreadable body", List.of(new FieldError(JsonPaths.pathOf(e),
                "wrong type: " + e.getOriginalMessage(), ReasonCode.SCHEMA_INVALID))).toResponse();
    }

    @ServerExceptionMapper
    public Response malformed(JsonParseException e) {
        return Problem.invalid("Unreadable body", List.of(new FieldError("", "malformed JSON",
                ReasonCode.NOT_JSON))).toResponse();
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
