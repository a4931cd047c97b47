namespace Sharpgres.Auth;

/// <summary>What a SCRAM client says about channel binding (RFC 5802 §7, the gs2 header) and, for PLUS, the binding data.</summary>
internal sealed class ScramChannelBinding
{
    private readonly byte[]? _cbindData;

    private ScramChannelBinding(ScramChannelBindingKind kind, string gs2Header, byte[]? cbindData)
    {
        Kind = kind;
        Gs2Header = gs2Header;
        _cbindData = cbindData;
    }

    /// <summary>The client does not support (or chose not to use) channel binding: <c>n,,</c>.</summary>
    public static ScramChannelBinding None { get; } = new(ScramChannelBindingKind.None, "n,,", null);

    /// <summary>
    /// The client supports channel binding but the server did not offer SCRAM-SHA-256-PLUS: <c>y,,</c>.
    /// A server that does support it rejects this, which detects a man in the middle stripping PLUS from the mechanism list.
    /// </summary>
    public static ScramChannelBinding ClientSupportsButNotUsed { get; } = new(ScramChannelBindingKind.ClientSupportsButNotUsed, "y,,", null);

    /// <summary>
    /// SCRAM-SHA-256-PLUS with <c>tls-server-end-point</c> (RFC 5929): <c>p=tls-server-end-point,,</c>, and the
    /// <c>c=</c> attribute carries the gs2 header followed by <paramref name="certificateHash"/>
    /// (see <see cref="ScramSha256Client.TlsServerEndPointHash"/>).
    /// </summary>
    public static ScramChannelBinding TlsServerEndPoint(byte[] certificateHash)
    {
        ArgumentNullException.ThrowIfNull(certificateHash);
        if (certificateHash.Length == 0)
            throw new ArgumentException("The certificate hash must not be empty.", nameof(certificateHash));
        return new(ScramChannelBindingKind.TlsServerEndPoint, "p=tls-server-end-point,,", (byte[])certificateHash.Clone());
    }

    public ScramChannelBindingKind Kind { get; }

    /// <summary>The gs2 header, including its trailing comma (the authzid is always empty).</summary>
    public string Gs2Header { get; }

    /// <summary>The channel binding data appended to the gs2 header in the <c>c=</c> attribute (empty unless PLUS).</summary>
    public ReadOnlySpan<byte> CbindData => _cbindData;

    /// <summary>Whether this binding goes with the SCRAM-SHA-256-PLUS mechanism.</summary>
    public bool IsPlus => Kind == ScramChannelBindingKind.TlsServerEndPoint;

    /// <summary>The SASL mechanism name to send with this binding.</summary>
    public string Mechanism => IsPlus ? ScramSha256Client.PlusMechanismName : ScramSha256Client.MechanismName;

    public override string ToString() => Gs2Header;
}

internal enum ScramChannelBindingKind
{
    None,
    ClientSupportsButNotUsed,
    TlsServerEndPoint,
}
