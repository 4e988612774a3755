package com.pb.synth.tradecapture.ingest;

import com.pb.synth.tradecapture.capture.CorrelationHeader;
import io.smallrye.common.vertx.ContextLocals;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Every HTTP request has a correlation id: the caller's {@code X-Correlation-Id} when it sends a
 * usable one (up to 128 letters, digits, '-', '_', '.', ':'), else a new UUID. It is answered in the
 * same header, and a trade the request puts on the input topic carries it in the Kafka header
 * {@code correlationId}, which capture logs with the trade and passes on to the captured event.
 */
public class CorrelationId {

    public static final String HEADER = "X-Correlation-Id";
    public static final String KAFKA_HEADER = CorrelationHeader.NAME;
    private static final String LOCAL = "pb-synth.correlationId";
    private static final Pattern USABLE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    @ServerRequestFilter(preMatching = true)
    public void assign(ContainerRequestContext request) {
        String sent = request.getHeaderString(HEADER);
        String id = sent != null && USABLE.matcher(sent).matches() ? sent : UUID.randomUUID().toString();
        ContextLocals.put(LOCAL, id);
    }

    @ServerResponseFilter
    public void answer(ContainerResponseContext response) {
        current().ifPresent(id -> response.getHeaders().putSingle(HEADER, id));
    }

    /** The correlation id of the request being served, if this runs on behalf of one. */
    public static Optional<String> current() {
        try {
            return ContextLocals.get(LOCAL);
        } catch (UnsupportedOperationException | IllegalStateException notOnARequestContext) {
            return Optional.empty();
        }
    }
}
