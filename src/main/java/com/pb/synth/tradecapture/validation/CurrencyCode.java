package com.pb.synth.tradecapture.validation;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Three upper-case ASCII letters (the shape of an ISO 4217 code; whether it is one is
 * {@link Currencies#isIso4217}); null is valid. The same check and message as {@code @Pattern(regexp = "[A-Z]{3}")}.
 */
@Target({ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE_USE, ElementType.RECORD_COMPONENT})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = CurrencyCode.Validator.class)
public @interface CurrencyCode {

    String message() default "must match \"[A-Z]{3}\"";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};


    class Validator implements ConstraintValidator<CurrencyCode, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            if (value.length() != 3) {
                return false;
            }
            for (int i = 0; i < 3; i++) {
                char c = value.charAt(i);
                if (c < 'A' || c > 'Z') {
                    return false;
                }
            }
            return true;
        }
    }
}
