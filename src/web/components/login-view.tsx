/**
 * Shown when the API answers 401. The form posts to `/login`, which sets the
 * HttpOnly session cookie; scripts never handle the token.
 */
export function LoginView({ failed }: { failed: boolean }) {
  return (
    <main id="main" class="login">
      <h1 tabIndex={-1}>Log in to adp</h1>
      <p>
        Open the login link that <code>adp serve</code> printed (<code>http://…/?token=…</code>), or paste the token here.
      </p>
      {failed && (
        <p class="notice notice-error" role="alert">
          That token was not accepted. Check it and try again.
        </p>
      )}
      <form method="post" action="/login" class="login-form">
        <label>
          API token
          <input type="password" name="token" required autocomplete="current-password" autofocus spellcheck={false} />
        </label>
        <button type="submit" class="btn btn-primary">
          Log in
        </button>
      </form>
    </main>
  );
}
