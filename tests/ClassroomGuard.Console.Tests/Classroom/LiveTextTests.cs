using ClassroomGuard.Console.Classroom;

namespace ClassroomGuard.Console.Tests.Classroom;

public sealed class LiveTextTests
{
    [Fact]
    public void SparkPoints_ScaledToTheMaximum_FirstAtLeftLastAtRight()
    {
        var points = LiveText.SparkPoints([0, 5, 10]).Split(' ');

        Assert.Equal(["0,31", "60,16.5", "120,2"], points);
    }

    [Fact]
    public void SparkPoints_AllZero_FlatAtTheBottom()
        => Assert.All(LiveText.SparkPoints([0, 0, 0, 0]).Split(' '), p => Assert.EndsWith(",31", p, StringComparison.Ordinal));

    [Fact]
    public void Category_Key_AsWords() => Assert.Equal("social networks", LiveText.Category("social_networks"));
}
