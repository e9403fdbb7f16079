namespace ClusterDashboard.Coordination.Tests;

public sealed class SequenceNumberTests
{
    [Theory]
    [InlineData("n_0000000042", 42L)]
    [InlineData("_c_abc-n_0000000007", 7L)]
    [InlineData("0000000000", 0L)]
    [InlineData("member", null)]
    [InlineData("n_00000x0001", null)]
    public void Parses_the_ten_digit_suffix(string name, long? expected) => Assert.Equal(expected, SequenceNumber.Parse(name));

    [Fact]
    public void Orders_by_suffix_not_by_name_and_skips_names_without_one()
    {
        var ordered = SequenceNumber.Order(["z_0000000001", "a_0000000010", "plain", "_c_x-n_0000000002"]);

        Assert.Equal(["z_0000000001", "_c_x-n_0000000002", "a_0000000010"], ordered.Select(o => o.Name));
    }
}
