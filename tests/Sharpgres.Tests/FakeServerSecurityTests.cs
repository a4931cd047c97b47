using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Sharpgres.Tests.Infrastructure;
using static Sharpgres.Tests.Infrastructure.FakeServer;

namespace Sharpgres.Tests;

/// <summary>
/// Issue 16 §1, security: a server that lies during authentication or TLS negotiation must not get a session, and must
/// not get a password it asked for in a weaker form than the client requires.
/// </summary>
public class FakeServerSecurityTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    /// <summary>
    /// A SCRAM exchange from a server that doesn't know the password: it answers the client's nonce (extended or not),
    /// with the iteration count given, and a made-up server signature. <paramref name="finalSent"/> records whether the
    /// fake got as far as sending its made-up signature.
    /// </summary>
    private static FakeServer Scram(bool extendNonce, int iterations, StrongBox<bool>? finalSent = null) => new(async (s, ct) =>
    {
        await ReadStartupAsync(s, ct);
        await s.WriteAsync(Message('R', Int32(10), CString("SCRAM-SHA-256"), [0]), ct);
        var (_, first) = await ReadMessageWithBodyAsync(s, ct);
        var data = first.AsSpan(Array.IndexOf(first, (byte)0) + 5);
        var clientFirst = Encoding.UTF8.GetString(data);
        var clientNonce = clientFirst[(clientFirst.IndexOf("r=", StringComparison.Ordinal) + 2)..];
        var nonce = extendNonce ? clientNonce + "fakeserver" : "0123456789abcdefghijklmnop";
        var salt = Convert.ToBase64String(new byte[16]);
        await s.WriteAsync(Message('R', Int32(11), Encoding.UTF8.GetBytes($"r={nonce},s={salt},i={iterations}")), ct);
        await ReadMessageAsync(s, ct);   // client-final, with its proof
        await s.WriteAsync(Message('R', Int32(12), Encoding.UTF8.GetBytes("v=" + Convert.ToBase64String(new byte[32]))), ct);
        if (finalSent is not null) finalSent.Value = true;
        await s.WriteAsync(Message('R', Int32(0)), ct);
        await s.WriteAsync(ReadyForQuery(), ct);
        await Task.Delay(60_000, ct);
    });

    [Fact]
    public void A_SCRAM_server_signature_that_is_wrong_fails_the_connection()
    {
        var finalSent = new StrongBox<bool>();
        using var fake = Scram(extendNonce: true, iterations: 4096, finalSent);
        var e = Scenario.Run("SCRAM server-final with a wrong signature", Bound,
            () => Assert.Throws<OperationalError>(() => Pg.Connect(fake.Conninfo())));
        Assert.Contains("SCRAM server signature mismatch", e.Message);
        // The fake server notes it after its write returns, which can be after the client has already refused it.
        Db.WaitUntil(() => finalSent.Value, TimeSpan.FromSeconds(10), "the fake server sent its server-final");
    }

    [Fact]
    public void A_SCRAM_server_nonce_that_does_not_extend_the_clients_fails_before_any_proof_is_sent()
    {
        using var fake = Scram(extendNonce: false, iterations: 4096);
        var e = Scenario.Run("SCRAM nonce not extending the client's", Bound,
            () => Assert.Throws<OperationalError>(() => Pg.Connect(fake.Conninfo())));
        Assert.Contains("nonce mismatch", e.Message);
    }

    [Fact]
    public void A_SCRAM_iteration_count_of_1_still_needs_the_servers_proof()
    {
        using var fake = Scram(extendNonce: true, iterations: 1);
        var e = Scenario.Run("SCRAM iteration count 1", Bound, () => Assert.Throws<OperationalError>(() => Pg.Connect(fake.Conninfo())));
        Assert.Contains("SCRAM server signature mismatch", e.Message);
    }

    [Fact]
    public void A_SCRAM_iteration_count_above_the_limit_is_refused_without_doing_the_work()
    {
        using var fake = Scram(extendNonce: true, iterations: 100_000_000);
        var e = Scenario.Run("SCRAM iteration count 100,000,000", TimeSpan.FromSeconds(10),
            () => Assert.Throws<OperationalError>(() => Pg.Connect(fake.Conninfo())));
        Assert.Contains("iteration count 100000000 is above the client's limit of 1,000,000", e.Message);
    }

    /// <summary>Answers the SSLRequest with <paramref name="answer"/> (and any bytes right behind it in the same write).</summary>
    private static FakeServer SslAnswer(byte[] answer, StrongBox<bool>? startupSeen = null) => new(async (s, ct) =>
    {
        var request = new byte[8];
        await s.ReadExactlyAsync(request, ct);
        Assert.Equal(80877103, BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(4)));
        await s.WriteAsync(answer, ct);
        var more = new byte[1];
        // A Terminate ('X') as the client hangs up is fine; a StartupMessage (it starts with its length) is not.
        if (await s.ReadAsync(more, ct) > 0 && more[0] != (byte)'X' && startupSeen is not null) startupSeen.Value = true;
        await Task.Delay(60_000, ct);
    });

    [Fact]
    public void Plaintext_buffered_behind_the_S_answer_is_rejected_CVE_2021_23222()
    {
        // 'S' and, in the same packet, an AuthenticationOk + ReadyForQuery a man in the middle injected in plaintext.
        using var fake = SslAnswer([(byte)'S', .. Message('R', Int32(0)), .. ReadyForQuery()]);
        var e = Scenario.Run("CVE-2021-23222: plaintext after 'S'", Bound,
            () => Assert.Throws<OperationalError>(() => Pg.Connect(fake.Conninfo().Replace("sslmode=disable", "sslmode=require"))));
        Assert.Contains("received unencrypted data after SSL response", e.Message);
    }

    [Fact]
    public void A_server_refusing_SSL_under_sslmode_require_gets_no_startup_message()
    {
        var startupSeen = new StrongBox<bool>();
        using var fake = SslAnswer("N"u8.ToArray(), startupSeen);
        var e = Scenario.Run("'N' to SSLRequest under sslmode=require", Bound,
            () => Assert.Throws<OperationalError>(() => Pg.Connect(fake.Conninfo().Replace("sslmode=disable", "sslmode=require"))));
        Assert.Contains("server does not support SSL, but SSL was required", e.Message);
        Assert.False(startupSeen.Value);
    }

    /// <summary>Asks for authentication <paramref name="request"/> (3 cleartext, 5 MD5, 0 none) and records any password.</summary>
    private static FakeServer AsksFor(int request, StrongBox<bool> passwordSent) => new(async (s, ct) =>
    {
        await ReadStartupAsync(s, ct);
        await s.WriteAsync(request == 5 ? Message('R', Int32(5), [1, 2, 3, 4]) : Message('R', Int32(request)), ct);
        if (request == 0)
        {
            await s.WriteAsync(ReadyForQuery(), ct);
        }
        else
        {
            try
            {
                if (await ReadMessageAsync(s, ct) == (byte)'p') passwordSent.Value = true;
                await s.WriteAsync(Message('R', Int32(0)), ct);
                await s.WriteAsync(ReadyForQuery(), ct);
            }
            catch (EndOfStreamException) { /* the client refused and hung up */ }
            catch (IOException) { /* same */ }
        }
        await Task.Delay(60_000, ct);
    });

    [Theory]
    [InlineData(3, "require_auth=scram-sha-256", "server requested a cleartext password")]
    [InlineData(5, "require_auth=scram-sha-256", "server requested a hashed password")]
    [InlineData(3, "require_auth=!password", "server requested a cleartext password")]
    [InlineData(5, "require_auth=!md5,!password", "server requested a hashed password")]
    [InlineData(3, "require_auth=none", "server requested a cleartext password")]
    [InlineData(0, "require_auth=!none", "server did not complete authentication")]
    [InlineData(0, "require_auth=scram-sha-256", "server did not complete authentication")]
    [InlineData(3, "channel_binding=require", "channel binding required but not supported by server's authentication request")]
    [InlineData(5, "channel_binding=require", "channel binding required but not supported by server's authentication request")]
    public void A_weaker_authentication_than_required_is_refused_before_the_password_is_sent(int request, string setting, string reason)
    {
        var passwordSent = new StrongBox<bool>();
        using var fake = AsksFor(request, passwordSent);
        var e = Scenario.Run($"auth request {request} under {setting}", Bound,
            () => Assert.Throws<OperationalError>(() => Pg.Connect(fake.Conninfo(setting))));
        Assert.Contains(reason, e.Message);
        Assert.False(passwordSent.Value, "the password went to a server the settings refuse");
    }

    [Theory]
    [InlineData(3, "require_auth=password")]
    [InlineData(5, "require_auth=md5,scram-sha-256")]
    [InlineData(5, "require_auth=!password")]
    [InlineData(0, "require_auth=none")]
    [InlineData(0, "require_auth=!scram-sha-256")]
    public void An_allowed_authentication_method_connects(int request, string setting)
    {
        var passwordSent = new StrongBox<bool>();
        using var fake = AsksFor(request, passwordSent);
        using var conn = Scenario.Run($"auth request {request} allowed by {setting}", Bound, () => Pg.Connect(fake.Conninfo(setting)));
        Assert.False(conn.Closed);
        Assert.Equal(request != 0, passwordSent.Value);
    }
}

/// <summary>A mutable box for a value a fake server's script reports back to the test.</summary>
public sealed class StrongBox<T> where T : struct
{
    private T _value;
    public T Value { get { lock (this) return _value; } set { lock (this) _value = value; } }
}
