"""The Rasa assistant: training data, actions, training and serving."""
