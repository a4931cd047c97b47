namespace Sharpgres.Auth;

/// <summary>The <c>channel_binding</c> connection parameter, with libpq's meaning.</summary>
internal enum ChannelBindingPolicy
{
    /// <summary>Never use channel binding (gs2 header <c>n,,</c>).</summary>
    Disable,

    /// <summary>Use channel binding when the connection is TLS and the server offers SCRAM-SHA-256-PLUS (libpq's default).</summary>
    Prefer,

    /// <summary>Fail unless the authentication uses channel binding.</summary>
    Require,
}
