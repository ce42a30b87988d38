// `npm start`: the whole system on embedded defaults. Filled in as the parts land.
console.log("GPUC: nothing to start yet");
