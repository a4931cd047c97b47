using Sharpgres.Testing;

namespace Sharpgres.Tests;

/// <summary>A server of its own with TLS and one role per authentication method (pg_hba lines per user).</summary>
public sealed class AuthServerFixture : IDisposable
{
    public const string RolePassword = "it's a Secret";

    public AuthServerFixture()
    {
        Server = TempServer.Start(new TempServerOptions
        {
            Tls = true,
            ExtraHbaLines =
            {
                "host all md5_user 127.0.0.1/32 md5",
                "host all plain_user 127.0.0.1/32 password",
                "host all trust_user 127.0.0.1/32 trust",
                "hostssl all cert_user 127.0.0.1/32 cert",
                "hostnossl all tls_only 127.0.0.1/32 reject",
                "hostssl all plain_only 127.0.0.1/32 reject",
            },
        });
        using var admin = Pg.Connect(Server.ConnectionString(unixSocket: true), autocommit: true);
        admin.Execute("SET password_encryption = 'md5'");
        admin.Execute("CREATE ROLE md5_user LOGIN PASSWORD 'it''s a Secret'");
        admin.Execute("RESET password_encryption");
        admin.Execute("CREATE ROLE plain_user LOGIN PASSWORD 'it''s a Secret'");
        admin.Execute("CREATE ROLE trust_user LOGIN");
        admin.Execute("CREATE ROLE cert_user LOGIN");
        admin.Execute("CREATE ROLE tls_only LOGIN PASSWORD 'it''s a Secret'");
        admin.Execute("CREATE ROLE plain_only LOGIN PASSWORD 'it''s a Secret'");
        admin.Execute("CREATE ROLE scram_user LOGIN PASSWORD 'it''s a Secret'");
        // Read-only on this server only: target_session_attrs=read-write must skip it.
        admin.Execute("CREATE ROLE multi_user LOGIN PASSWORD 'it''s a Secret'");
        admin.Execute("ALTER ROLE multi_user SET default_transaction_read_only = on");
    }

    public TempServer Server { get; }

    public string Conninfo(string user, string? password, string extra = "") =>
        $"host=127.0.0.1 port={Server.Port} dbname=postgres user={user}" +
        (password is null ? "" : $" password='{password.Replace("'", "\\'")}'") + " " + extra;

    public void Dispose() => Server.Dispose();
}

public class AuthTests(AuthServerFixture fx) : IClassFixture<AuthServerFixture>
{
    [Theory]
    [InlineData("scram_user", "sslmode=disable")]
    [InlineData("md5_user", "sslmode=disable")]
    [InlineData("plain_user", "sslmode=disable")]
    [InlineData("scram_user", "sslmode=require")]
    [InlineData("md5_user", "sslmode=require")]
    public void Each_password_method_authenticates(string user, string extra)
    {
        using var conn = Pg.Connect(fx.Conninfo(user, AuthServerFixture.RolePassword, extra));
        Assert.Equal(user, conn.Execute("SELECT current_user").FetchOne()![0]);
        Assert.Equal(extra.Contains("require"), conn.Info.IsSecure);
    }

    [Fact]
    public void Trust_needs_no_password()
    {
        using var conn = Pg.Connect(fx.Conninfo("trust_user", null, "sslmode=disable"));
        Assert.Equal("trust_user", conn.Execute("SELECT current_user").FetchOne()![0]);
    }

    [Theory]
    [InlineData("scram_user")]
    [InlineData("md5_user")]
    [InlineData("plain_user")]
    public void Each_method_rejects_a_wrong_password(string user)
    {
        var e = Assert.ThrowsAny<OperationalError>(() => Pg.Connect(fx.Conninfo(user, "wrong password", "sslmode=disable")));
        Assert.Contains($"FATAL:  password authentication failed for user \"{user}\"", e.Message);
        Assert.Equal("28P01", e.SqlState);
        Assert.DoesNotContain("wrong password", e.Message);
    }

    [Fact]
    public void Client_certificate_authenticates_with_sslcert_and_sslkey()
    {
        var (cert, key) = fx.Server.IssueClientCertificate("cert_user");
        using var conn = Pg.Connect(fx.Conninfo("cert_user", null, $"sslmode=verify-ca sslrootcert={fx.Server.CaCertificatePath} sslcert={cert} sslkey={key}"));
        Assert.Equal("cert_user", conn.Execute("SELECT current_user").FetchOne()![0]);
        Assert.True(conn.Info.IsSecure);
        // Without the certificate the cert method refuses the connection.
        Assert.ThrowsAny<OperationalError>(() => Pg.Connect(fx.Conninfo("cert_user", null, "sslmode=require sslcert=/nonexistent sslkey=/nonexistent")));
    }

    [Theory]
    [InlineData("tls_only", "allow", true)]
    [InlineData("tls_only", "prefer", true)]
    [InlineData("plain_only", "allow", false)]
    [InlineData("plain_only", "prefer", false)]
    public void Allow_and_prefer_fall_back_to_the_other_choice_when_refused(string user, string sslmode, bool secure)
    {
        using var conn = Pg.Connect(fx.Conninfo(user, AuthServerFixture.RolePassword, $"sslmode={sslmode}"));
        Assert.Equal(secure, conn.Info.IsSecure);
        Assert.ThrowsAny<OperationalError>(() => Pg.Connect(fx.Conninfo(user, AuthServerFixture.RolePassword, secure ? "sslmode=disable" : "sslmode=require")));
    }

    [Fact]
    public void Missing_password_says_so()
    {
        var e = Assert.Throws<OperationalError>(() => Pg.Connect(fx.Conninfo("scram_user", null, "sslmode=disable passfile=/nonexistent")));
        Assert.Contains("no password supplied", e.Message);
    }

    [Fact]
    public void Scram_plus_with_channel_binding_required()
    {
        using var conn = Pg.Connect(fx.Conninfo("scram_user", AuthServerFixture.RolePassword, "sslmode=require channel_binding=require"));
        Assert.True(conn.Info.IsSecure);
        Assert.Equal(1, conn.Execute("SELECT 1").FetchOne()!.Get<int>(0));
    }

    [Fact]
    public void Channel_binding_required_fails_without_tls_or_with_md5()
    {
        Assert.Throws<OperationalError>(() => Pg.Connect(fx.Conninfo("scram_user", AuthServerFixture.RolePassword, "sslmode=disable channel_binding=require")));
        var e = Assert.Throws<OperationalError>(() => Pg.Connect(fx.Conninfo("md5_user", AuthServerFixture.RolePassword, "sslmode=require channel_binding=require")));
        Assert.Contains("channel binding required", e.Message);
    }

    [Fact]
    public void Verify_full_accepts_the_servers_certificate()
    {
        using var conn = Pg.Connect(fx.Conninfo("scram_user", AuthServerFixture.RolePassword,
            $"sslmode=verify-full sslrootcert={fx.Server.CaCertificatePath}").Replace("host=127.0.0.1", "host=localhost"));
        Assert.True(conn.Info.IsSecure);
    }

    [Fact]
    public void Verify_full_rejects_a_wrong_host_name()
    {
        var e = Assert.Throws<OperationalError>(() => Pg.Connect(fx.Conninfo("scram_user", AuthServerFixture.RolePassword,
            $"sslmode=verify-full sslrootcert={fx.Server.CaCertificatePath} hostaddr=127.0.0.1").Replace("host=127.0.0.1", "host=wrong.example")));
        Assert.Contains("SSL", e.Message);
    }

    [Fact]
    public void Verify_ca_accepts_a_wrong_host_name_but_checks_the_chain()
    {
        using var conn = Pg.Connect(fx.Conninfo("scram_user", AuthServerFixture.RolePassword,
            $"sslmode=verify-ca sslrootcert={fx.Server.CaCertificatePath} hostaddr=127.0.0.1").Replace("host=127.0.0.1", "host=wrong.example"));
        Assert.True(conn.Info.IsSecure);
    }

    [Fact]
    public void Target_session_attrs_read_write_skips_a_read_only_server()
    {
        if (TestServer.IsExternal) return;
        var other = TestServer.Shared;
        using (var admin = Pg.Connect(other.ConnectionString(unixSocket: true), autocommit: true))
        {
            admin.Execute("DO $$ BEGIN CREATE ROLE multi_user LOGIN PASSWORD 'it''s a Secret'; EXCEPTION WHEN duplicate_object THEN NULL; END $$");
        }
        var conninfo = $"host=127.0.0.1,127.0.0.1 port={fx.Server.Port},{other.Port} dbname=postgres user=multi_user password='it\\'s a Secret' sslmode=disable";
        using (var any = Pg.Connect(conninfo))
            Assert.Equal(fx.Server.Port, any.Info.Port);
        using var rw = Pg.Connect(conninfo + " target_session_attrs=read-write");
        Assert.Equal(other.Port, rw.Info.Port);
        using var ro = Pg.Connect(conninfo + " target_session_attrs=read-only");
        Assert.Equal(fx.Server.Port, ro.Info.Port);
    }
}

/// <summary>A server stopped under an open connection: the next call fails cleanly and marks the connection broken.</summary>
public class ServerGoneTests
{
    [Fact]
    public void Stopping_the_server_breaks_the_connection_without_hanging()
    {
        using var server = TempServer.Start();
        var conn = Pg.Connect(server.ConnectionString());
        Assert.Equal(1, conn.Execute("SELECT 1").FetchOne()!.Get<int>(0));
        server.Stop();
        var e = Assert.ThrowsAny<Error>(() => conn.Execute("SELECT 1"));
        Assert.IsAssignableFrom<OperationalError>(e);
        Assert.True(conn.Broken);
        Assert.True(conn.Closed);
        Assert.Throws<OperationalError>(() => conn.Execute("SELECT 1"));
        conn.Dispose();
    }
}
