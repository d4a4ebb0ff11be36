// The image tests share one machine's 2 cores with the rest of the suite: the booted images (Qemu/) run one at a time
// in their own collection, and the other collections are short.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
