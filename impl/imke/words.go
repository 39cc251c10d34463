package imke

// fingerprintWords is the fixed list of 256 short English words that
// renders a fingerprint for a person (profile §9): byte b of the
// fingerprint is fingerprintWords[b]. Written for this repository; the
// order is part of the profile and never changes.
var fingerprintWords = [256]string{
	"acid", "acorn", "actor", "adobe", "agent", "alarm", "album", "alley",
	"amber", "angle", "ankle", "apple", "apron", "arena", "armor", "arrow",
	"aspen", "atlas", "attic", "audio", "bacon", "badge", "bagel", "baker",
	"bamboo", "banjo", "barn", "basil", "beach", "beard", "bell", "berry",
	"bison", "blade", "blaze", "bloom", "board", "boat", "bonus", "boot",
	"brick", "bride", "brook", "brush", "bucket", "buddy", "bugle", "cabin",
	"cable", "cactus", "camel", "candle", "canoe", "canyon", "cargo", "carpet",
	"castle", "cedar", "chalk", "cherry", "chess", "chief", "chili", "cider",
	"cigar", "civic", "clam", "cliff", "clock", "cloud", "clover", "coach",
	"cobra", "cocoa", "comet", "coral", "cotton", "cougar", "crane", "crater",
	"crayon", "cricket", "crown", "cube", "cumin", "daisy", "dance", "delta",
	"denim", "desert", "diary", "dinner", "disk", "dolphin", "donkey", "dragon",
	"drum", "duck", "dune", "eagle", "easel", "echo", "elbow", "elder",
	"ember", "emu", "engine", "epoch", "fabric", "falcon", "fawn", "feather",
	"fence", "ferry", "fiber", "fig", "flame", "flute", "foam", "forest",
	"fossil", "fox", "frost", "fudge", "galaxy", "garden", "garlic", "gecko",
	"geyser", "ginger", "glacier", "globe", "glove", "goat", "goose", "grape",
	"gravel", "guitar", "gull", "hammer", "harbor", "hazel", "helmet", "heron",
	"hiker", "honey", "hotel", "husky", "igloo", "index", "ink", "iris",
	"island", "ivory", "jacket", "jade", "jaguar", "jelly", "jewel", "jockey",
	"juice", "jungle", "kayak", "kettle", "kiwi", "koala", "ladder", "lagoon",
	"lamp", "lantern", "laser", "lemon", "lily", "lime", "linen", "lizard",
	"llama", "lobster", "locket", "lotus", "lunar", "magnet", "mango", "maple",
	"marble", "meadow", "melon", "mint", "mirror", "mocha", "moose", "mosaic",
	"motor", "muffin", "nectar", "needle", "nickel", "noodle", "nutmeg", "oasis",
	"ocean", "olive", "onion", "opal", "orbit", "orchid", "otter", "oyster",
	"paddle", "panda", "paper", "parrot", "peach", "pebble", "pepper", "piano",
	"pickle", "pilot", "pine", "planet", "plum", "polar", "pony", "poppy",
	"prism", "pumpkin", "puzzle", "quail", "quartz", "quill", "rabbit", "radar",
	"radish", "raven", "reef", "ribbon", "river", "robin", "rocket", "ruby",
	"saddle", "salmon", "sandal", "satin", "scarf", "shell", "spruce", "tiger",
	"tulip", "velvet", "walnut", "yacht", "zebra", "zinc", "tomato", "violin",
}
