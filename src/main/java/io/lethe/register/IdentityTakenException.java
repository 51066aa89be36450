package io.lethe.register;

/** An identity that is already another subject's: the register never moves it from one subject to another. */
public final class IdentityTakenException extends RuntimeException {

    private final IdentityKind kind;

    public IdentityTakenException(IdentityKind kind) {
        super("the " + kind.field() + " belongs to another subject", null, false, false);
        this.kind = kind;
    }

    public IdentityKind kind() {
        return kind;
    }
}
