using Sharpgres.Errors;
using Sharpgres.TestSupport;

namespace Sharpgres.Tests;

/// <summary>
/// The whole-run password scan (tests/Shared/SecretScan.cs) finds what it must and passes masked forms, so that its
/// "0 password leaks" in .ci/run means something.
/// </summary>
public class SecretScanTests
{
    [Theory]
    [InlineData("could not connect: host=h password=hunter3 user=u")]
    [InlineData("Host=h;Password = s3cr3t;Username=u")]
    [InlineData("sslpassword='key pass' sslkey=k")]
    public void A_password_value_is_a_leak(string text) => Assert.NotNull(SecretScan.FindLeak(text));

    [Theory]
    [InlineData("host=h password=******** user=u")]
    [InlineData("password authentication failed for user \"u\"")]
    [InlineData("fe_sendauth: no password supplied")]
    public void A_masked_or_absent_password_is_not(string text) => Assert.Null(SecretScan.FindLeak(text));

    [Fact]
    public void A_registered_password_is_found_anywhere()
    {
        SecretScan.Register("Tr0ub4dor&3-only-in-this-test");
        var leak = SecretScan.FindLeak("the server said: Tr0ub4dor&3-only-in-this-test is wrong");
        Assert.NotNull(leak);
        Assert.DoesNotContain("Tr0ub4dor", leak);   // the report itself is masked
    }

    [Fact]
    public void Errors_of_a_failed_connection_show_no_password()
    {
        var e = Assert.ThrowsAny<OperationalError>(() => Pg.Connect("host=127.0.0.1 port=1 user=u password=Hunter2-scan-check connect_timeout=2"));
        Assert.Null(SecretScan.FindLeak(e.ToString()));
        Assert.DoesNotContain("Hunter2-scan-check", e.ToString());
    }
}
