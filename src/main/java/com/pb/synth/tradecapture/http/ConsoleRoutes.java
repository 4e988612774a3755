package com.pb.synth.tradecapture.http;

import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * The operations console's entry: {@code /console} goes to {@code /console/} (its sign-in page).
 * The pages themselves are static resources ({@code META-INF/resources/console}); their headers
 * (Content-Security-Policy and the rest) are set by the {@code quarkus.http.filter.console} configuration.
 */
@Singleton
public class ConsoleRoutes {

    void routes(@Observes Router router) {
        router.getWithRegex("^/console$").handler(rc -> rc.response().setStatusCode(302)
                .putHeader("Location", "/console/").end());
    }
}
