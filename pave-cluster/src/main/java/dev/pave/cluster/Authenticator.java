package dev.pave.cluster;

/**
 * Finds who sent a request from its bearer token: null when the token is unknown (a 401),
 * {@link User#ANONYMOUS} when there is none.
 */
public interface Authenticator {
  User authenticate(String bearerToken);
}
