package com.pb.synth.tradecapture.validation;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Set;

/**
 * A value that is exactly one of {@code alternatives} ({@code "NEW|CORRECT|CANCEL"}); null is valid.
 * The same check and message as {@code @Pattern(regexp = "NEW|CORRECT|CANCEL")}, as a set lookup.
 */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE_USE, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = OneOf.Validator.class)
public @interface OneOf {

    /** The allowed values, separated by {@code |}. */
    String alternatives();

    String message() default "must match \"{alternatives}\"";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<OneOf, String> {
        private Set<String> allowed;

        @Override
        public void initialize(OneOf annotation) {
            allowed = Set.of(annotation.alternatives().split("\\|"));
        }

        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || allowed.contains(value);
        }
    }
}
