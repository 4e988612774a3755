package com.pb.synth.tradecapture.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.pb.synth.tradecapture.domain.FieldError;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** An RFC 9457 problem document: what went wrong, and for invalid input each field at fault. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String reasonCode,
                      List<FieldProblem> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** One field and what is wrong with it. */
    public record FieldProblem(String field, String message) {
    }

    public static Problem of(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, null, List.of());
    }

    /** The value, or a 404 saying what was not found when it is null. */
    public static <T> T found(T value, String detail) {
        if (value == null) {
            throw new Failure(of(404, "Not found", detail));
        }
        return value;
    }

    public static Problem invalid(List<FieldError> errors) {
        return invalid("Invalid trade", errors);
    }

    /** A 400 naming each bad field; the first error's reason code stands for the whole. */
    public static Problem invalid(String title, List<FieldError> errors) {
        FieldError first = errors.get(0);
        String slug = title.toLowerCase().replace(' ', '-');
        return new Problem("https://pb-synth/problems/" + slug, title, 400, errors.size() + " field(s) invalid",
                first.reason().name(), errors.stream().map(e -> new FieldProblem(e.field(), e.message())).toList());
    }

    public Response toResponse() {
        return toResponse(null);
    }

    Response toResponse(Integer retryAfterSeconds) {
        Response.ResponseBuilder builder = Response.status(status).type(MEDIA_TYPE).entity(this);
        if (retryAfterSeconds != null) {
            builder.header("Retry-After", retryAfterSeconds);
        }
        return builder.build();
    }

    /** Thrown anywhere in a request to answer with this problem. */
    public static final class Failure extends RuntimeException {
        private final Problem problem;
        private final Integer retryAfterSeconds;

        public Failure(Problem problem) {
            this(problem, null);
        }

        public Failure(Problem problem, Integer retryAfterSeconds) {
            super(problem.title() + ": " + problem.detail(), null, false, false);
            this.problem = problem;
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public Response toResponse() {
            return problem.toResponse(retryAfterSeconds);
        }
    }
}
