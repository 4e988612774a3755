package com.pb.synth.tradecapture.validation;

import com.fasterxml.jackson.databind.JsonMappingException;

/** Where in a JSON document a binding error was found, as the field paths of validation name it. */
public final class JsonPaths {

    private JsonPaths() {
    }

    /** {@code tradeLots[0].priceQuantity[0].quantity[0].value}; empty at the document's root. */
    public static String pathOf(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
