export { randomArray } from "../../src/cells/random.js";
