package com.pb.synth.tradecapture.security;

import com.pb.synth.tradecapture.http.Problem;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * Documents the security layer's answers on every secured operation of the API (all of
 * {@code /api/v1} but the legacy health check): 401 and 403, as problem+json.
 */
public class SecurityResponsesFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null) {
            return;
        }
        for (Map.Entry<String, PathItem> path : openAPI.getPaths().getPathItems().entrySet()) {
            if (!path.getKey().startsWith("/api/v1/") || path.getKey().equals("/api/v1/health")) {
                continue;
            }
            for (Map.Entry<PathItem.HttpMethod, Operation> op : path.getValue().getOperations().entrySet()) {
                boolean read = op.getKey() == PathItem.HttpMethod.GET;
                String role = path.getKey().startsWith("/api/v1/rules") ? (read ? Roles.READ : Roles.ADMIN)
                        : path.getKey().startsWith("/api/v1/approvals/") ? Roles.APPROVE
                        : read ? Roles.READ
                        : path.getKey().startsWith("/api/v1/reference/") ? Roles.ADMIN : Roles.WRITE;
                add(op.getValue(), "401", "no bearer token, or an invalid or expired one");
                if (!path.getKey().equals("/api/v1/me")) {
                    add(op.getValue(), "403", "the token does not carry role " + role);
                }
            }
        }
    }

    private static void add(Operation operation, String code, String description) {
        if (operation.getResponses() == null || operation.getResponses().hasAPIResponse(code)) {
            return;
        }
        APIResponse response = OASFactory.createAPIResponse().description(description)
                .content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                        .schema(OASFactory.createSchema().ref("Problem"))));
        operation.getResponses().addAPIResponse(code, response);
    }
}
