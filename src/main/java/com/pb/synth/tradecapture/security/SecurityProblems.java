package com.pb.synth.tradecapture.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pb.synth.tradecapture.http.Problem;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Answers the security layer's refusals as problem+json like every other error of the API: 401
 * (no token, or an invalid or expired one) with {@code WWW-Authenticate: Bearer}, and 403 (a token
 * without the role). These happen before the REST layer, so they are mapped on the HTTP router.
 */
@ApplicationScoped
public class SecurityProblems {

    private final ObjectMapper json;

    public SecurityProblems(ObjectMapper json) {
        this.json = json;
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::handle);
    }

    private void handle(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        Problem problem;
        if (failure instanceof AuthenticationFailedException || failure instanceof AuthenticationCompletionException
                || failure instanceof UnauthorizedException) {
            problem = Problem.of(401, "Unauthorized", "a valid bearer token is required");
        } else if (failure instanceof ForbiddenException) {
            problem = Problem.of(403, "Forbidden", "the token does not carry the role this request needs");
        } else {
            ctx.next();
            return;
        }
        if (ctx.response().headWritten() || !send(ctx, problem)) {
            ctx.next();
        }
    }

    /** The 401 a request without a token gets (the bearer mechanism's challenge). */
    boolean sendUnauthorized(RoutingContext ctx) {
        return !ctx.response().headWritten()
                && send(ctx, Problem.of(401, "Unauthorized", "a valid bearer token is required"));
    }

    private boolean send(RoutingContext ctx, Problem problem) {
        byte[] body;
        try {
            body = json.writeValueAsBytes(problem);
        } catch (Exception e) {
            return false;
        }
        ctx.response().setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE);
        if (problem.status() == 401) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
        }
        ctx.response().end(Buffer.buffer(body));
        return true;
    }
}
